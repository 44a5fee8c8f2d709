package atelier.nn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void filesWrittenInStepAppearOnlyWhenCommitted() throws IOException {
        Path a = dir.resolve("a.bin");
        Path b = dir.resolve("b.bin");
        try (AtomicFile first = AtomicFile.begin(a); AtomicFile second = AtomicFile.begin(b)) {
            for (int i = 0; i < 3; i++) {
                first.channel().write(ByteBuffer.wrap(new byte[] {(byte) i}));
                second.channel().write(ByteBuffer.wrap(new byte[] {(byte) (10 + i)}));
            }
            assertEquals(2, listing().size());
            assertEquals(List.of(), listing().stream().filter(p -> p.equals(a) || p.equals(b)).toList());
            first.commit();
            second.commit();
        }
        assertEquals(List.of(a, b), listing());
        assertArrayEquals(new byte[] {0, 1, 2}, Files.readAllBytes(a));
        assertArrayEquals(new byte[] {10, 11, 12}, Files.readAllBytes(b));
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (AtomicFile pending = AtomicFile.begin(dir.resolve("x.bin"))) {
            pending.channel().write(ByteBuffer.wrap(new byte[1000]));
        }
        assertEquals(List.of(), listing());
    }
}
