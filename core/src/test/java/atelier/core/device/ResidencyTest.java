package atelier.core.device;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResidencyTest {
    @Test
    void theLastWriterHoldsTheNewestCopyUntilTheHostIsCurrentAgain() {
        Residency<String> where = new Residency<>();
        float[] a = new float[3];
        float[] b = new float[3];
        assertNull(where.holderOf(a), "an array no launch wrote is current on the host");
        where.written(a, "plan 1");
        where.written(b, "plan 1");
        where.written(a, "plan 2");
        assertEquals("plan 2", where.holderOf(a));
        assertEquals("plan 1", where.holderOf(b));
        assertEquals(List.of(b), where.heldBy("plan 1"));
        where.hostCurrent(b);
        assertNull(where.holderOf(b));
        assertTrue(where.heldBy("plan 1").isEmpty());
    }

    @Test
    void arraysAreKeyedByIdentityNotContents() {
        Residency<String> where = new Residency<>();
        float[] a = {1f, 2f};
        float[] equalContents = {1f, 2f};
        where.written(a, "plan");
        assertNull(where.holderOf(equalContents));
        assertSame(a, where.heldBy("plan").getFirst());
    }
}
