package atelier.tools.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SeedListTest {
    @Test
    void rangesAndSingleSeedsInTheOrderGiven() {
        assertArrayEquals(new long[] {1, 2, 3, 4, 20, 33, 0}, SeedList.parse("--seeds", "1-4,20, 33,0"));
        assertArrayEquals(new long[] {7}, SeedList.parse("--seeds", "7-7"));
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> SeedList.parse("--seeds", text)).getMessage();
    }

    @Test
    void badListsNameTheFaultyItem() {
        assertEquals("--seeds 1-x,3: '1-x' is not a seed or a range of seeds (e.g. 1-16,20,33)", error("1-x,3"));
        assertEquals("--seeds 1,,2: '' is not a seed or a range of seeds (e.g. 1-16,20,33)", error("1,,2"));
        assertEquals("--seeds -3: '-3' is not a seed or a range of seeds (e.g. 1-16,20,33)", error("-3"));
        assertEquals("--seeds 16-1: range 16-1 runs backwards", error("16-1"));
        assertEquals("--seeds 0-100000 lists more than 100000 seeds", error("0-100000"));
        assertEquals("--seeds 1-50000,60000-110000 lists more than 100000 seeds", error("1-50000,60000-110000"));
    }
}
