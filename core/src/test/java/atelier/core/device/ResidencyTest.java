package atelier.core.device;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ResidencyTest {
    /** Records what the ledger asks of the device, e.g. "copy a from plan 1", "free plan 1". */
    private static final class Log implements Residency.Memory<String> {
        final List<String> calls = new ArrayList<>();
        final List<float[]> names = new ArrayList<>();

        String name(float[] array) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i) == array) {
                    return Character.toString('a' + i);
                }
            }
            throw new AssertionError("unknown array");
        }

        @Override
        public void copyToHost(String holder, float[] array) {
            calls.add("copy " + name(array) + " from " + holder);
        }

        @Override
        public void free(String holder) {
            calls.add("free " + holder);
        }
    }

    @Test
    void theLastWriterHoldsTheNewestCopyAndCopiesItBackOnce() {
        Log log = new Log();
        float[] a = new float[2];
        float[] b = new float[2];
        log.names.addAll(List.of(a, b));
        Residency<String> where = new Residency<>(log, 8);
        assertNull(where.holderOf(a), "an array no launch wrote is current on the host");
        where.executed("plan 1", List.of(a, b));
        where.executed("plan 2", List.of(a));
        assertEquals("plan 2", where.holderOf(a));
        assertEquals("plan 1", where.holderOf(b));
        where.toHost(a);
        where.toHost(a);
        assertNull(where.holderOf(a));
        assertEquals(List.of("copy a from plan 2"), log.calls);
    }

    @Test
    void aHolderLeftWithNothingIsFreedAndTheOldestBeyondTheLimitIsCopiedBackFirst() {
        Log log = new Log();
        float[] a = new float[1];
        float[] b = new float[1];
        float[] c = new float[1];
        log.names.addAll(List.of(a, b, c));
        Residency<String> where = new Residency<>(log, 2);
        where.executed("plan 1", List.of(a));
        where.executed("plan 2", List.of(a));   // plan 1 now holds nothing
        assertEquals(List.of("free plan 1"), log.calls);
        where.executed("plan 3", List.of(b));
        where.executed("plan 4", List.of(c));   // three alive: plan 2, the oldest, goes
        assertEquals(List.of("free plan 1", "copy a from plan 2", "free plan 2"), log.calls);
        assertNull(where.holderOf(a));
        where.releaseAll();
        assertEquals(List.of("free plan 1", "copy a from plan 2", "free plan 2", "copy b from plan 3",
                "free plan 3", "copy c from plan 4", "free plan 4"), log.calls);
    }

    @Test
    void aHostWriteMakesDeviceCopiesStaleWithoutCopyingBack() {
        Log log = new Log();
        float[] a = {1f, 2f};
        float[] equalContents = {1f, 2f};
        log.names.addAll(List.of(a, equalContents));
        Residency<String> where = new Residency<>(log, 8);
        where.executed("plan 1", List.of(a));
        assertNull(where.holderOf(equalContents), "arrays are keyed by identity, not contents");
        where.hostWrote(a);
        where.toHost(a);
        assertNull(where.holderOf(a));
        where.executed("plan 2", List.of());
        assertEquals(List.of("free plan 1", "free plan 2"), log.calls);
    }
}
