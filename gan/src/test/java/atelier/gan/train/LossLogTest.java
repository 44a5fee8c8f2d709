package atelier.gan.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LossLogTest {
    @TempDir
    Path dir;

    @Test
    void resumingDropsTheRowsAfterTheCheckpointAndATornLine() throws IOException {
        Path file = dir.resolve("losses.csv");
        try (LossLog log = new LossLog(file, List.of("a", "b"), 0)) {
            for (int step = 1; step <= 5; step++) {
                log.append(step * 16L, step, -step * 0.5);
            }
        }
        Files.writeString(file, "96,6,-3", java.nio.file.StandardOpenOption.APPEND); // killed mid-row
        try (LossLog log = new LossLog(file, List.of("a", "b"), 48)) {
            log.append(64, 40, 41);
            List<double[]> rows = log.rows();
            assertEquals(4, rows.size());
            assertArrayEquals(new double[] {48, 3, -1.5}, rows.get(2));
            assertArrayEquals(new double[] {64, 40, 41}, rows.get(3));
        }
        assertEquals("images,a,b", Files.readAllLines(file).getFirst());
        assertThrows(IllegalArgumentException.class, () -> {
            try (LossLog log = new LossLog(dir.resolve("x.csv"), List.of("a"), 0)) {
                log.append(1, 1, 2);
            }
        });
        IOException other = assertThrows(IOException.class, () -> new LossLog(file, List.of("c"), 10));
        assertEquals("loss log " + file + " has another header than 'images,c'", other.getMessage());
    }
}
