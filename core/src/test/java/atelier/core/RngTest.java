package atelier.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RngTest {
    @Test
    void matchesTheSplitMix64ReferenceSequence() {
        // SplitMix64 seeded with 1234567, as printed by Vigna's public-domain C reference (splitmix64.c) built with gcc.
        Rng rng = new Rng(1234567);
        assertEquals(6457827717110365317L, rng.nextLong());
        assertEquals(3203168211198807973L, rng.nextLong());
        assertEquals(-8629252141511181193L, rng.nextLong());
    }

    @Test
    void resumingFromTheSavedStateContinuesTheSequence() {
        Rng a = new Rng(42);
        a.nextGaussian();
        a.nextInt(10);
        Rng b = new Rng(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
    }

    @Test
    void gaussianHasUnitMomentsAndIntsStayInRange() {
        Rng rng = new Rng(7);
        double sum = 0;
        double sumSq = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            sum += g;
            sumSq += g * g;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(1, sumSq / n, 0.01);
        int[] counts = new int[3];
        for (int i = 0; i < 30_000; i++) {
            counts[rng.nextInt(3)]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10_000) < 400, "uniform ints: " + c);
        }
    }
}
