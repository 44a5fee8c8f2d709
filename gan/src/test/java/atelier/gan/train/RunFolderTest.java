package atelier.gan.train;

import atelier.nn.io.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFolderTest {
    @TempDir
    Path dir;

    private Path checkpoint(RunFolder folder, long images) throws IOException {
        Path file = folder.checkpointFile(images);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "state " + images);
    }

    @Test
    void keepsTheNewestCheckpointsWithWhatWasDerivedFromThem() throws IOException {
        RunFolder folder = new RunFolder(dir);
        for (long images : new long[] {1600, 800, 2400, 3200}) {
            checkpoint(folder, images);
        }
        Path oldKnobs = Files.writeString(folder.checkpointDirectory().resolve("images-000000000800.knobs.safetensors"), "k");
        Path oldPreviews = Files.createDirectories(folder.checkpointDirectory().resolve("images-000000000800.knobs"));
        Files.writeString(oldPreviews.resolve("knob00.png"), "p");
        Path newKnobs = Files.writeString(folder.checkpointDirectory().resolve("images-000000003200.knobs.safetensors"), "k");

        assertEquals(List.of(folder.checkpointFile(800), folder.checkpointFile(1600), folder.checkpointFile(2400),
                folder.checkpointFile(3200)), folder.checkpoints());
        folder.keepNewest(2);
        assertEquals(List.of(folder.checkpointFile(2400), folder.checkpointFile(3200)), folder.checkpoints());
        assertFalse(Files.exists(oldKnobs) || Files.exists(oldPreviews), "derived files of deleted checkpoints go too");
        assertTrue(Files.exists(newKnobs));
        assertEquals(3200, RunFolder.imagesShown(folder.checkpoints().getLast()));
    }

    @Test
    void newestUsableCheckpointIsLoadedAndTheOthersReported() throws IOException {
        RunFolder folder = new RunFolder(dir);
        checkpoint(folder, 100);
        checkpoint(folder, 200);
        List<String> warnings = new ArrayList<>();
        String loaded = folder.loadNewest(file -> {
            String text = Files.readString(file);
            if (text.endsWith("200")) {
                throw new CheckpointException("file " + file + " is corrupt");
            }
            return text;
        }, warnings::add);
        assertEquals("state 100", loaded);
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("images-000000000200"), warnings.getFirst());

        CheckpointException none = assertThrows(CheckpointException.class,
                () -> new RunFolder(dir.resolve("empty")).loadNewest(Files::readString, w -> { }));
        assertTrue(none.getMessage().contains("has no checkpoints"), none.getMessage());
    }

    @Test
    void temporaryFilesOfAKilledWriterAreRemoved() throws IOException {
        RunFolder folder = new RunFolder(dir);
        checkpoint(folder, 100);
        Path tmp = Files.writeString(folder.checkpointDirectory().resolve(".images-000000000200.safetensors.123.tmp"), "");
        Path tmpPng = Files.writeString(dir.resolve(".samples.png.456.tmp"), "");
        Path keep = Files.writeString(dir.resolve("notes.txt"), "mine");
        folder.removeTemporaryFiles();
        assertFalse(Files.exists(tmp) || Files.exists(tmpPng));
        assertTrue(Files.exists(keep) && Files.exists(folder.checkpointFile(100)));
    }
}
