package atelier.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The medians `atelier bench --repeat` compares and the turns it prints beside them. */
class BenchTurnsTest {
    @Test
    void medianIsTheMiddleTurnOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(2.0, BenchCommand.Common.median(new double[] {3, 1, 2}));
        assertEquals(5.0, BenchCommand.Common.median(new double[] {9, 5, 1}));
        assertEquals(2.5, BenchCommand.Common.median(new double[] {4, 1, 3, 2}));
        assertEquals(7.0, BenchCommand.Common.median(new double[] {7}));
    }

    @Test
    void turnsListBothSidesInOrderOnlyWhenThereWasMoreThanOne() {
        assertEquals("   atelier [1.50 0.25], torch [3.00 2.00]",
                BenchCommand.Common.turns(new double[] {1.5, 0.25}, new double[] {3, 2}, "%.2f"));
        assertEquals("   atelier [1.5 0.3]", BenchCommand.Common.turns(new double[] {1.5, 0.25}, new double[0], "%.1f"));
        assertEquals("", BenchCommand.Common.turns(new double[] {1.5}, new double[] {3}, "%.2f"));
    }
}
