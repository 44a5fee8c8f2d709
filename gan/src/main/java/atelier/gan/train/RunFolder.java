package atelier.gan.train;

import atelier.nn.io.CheckpointException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A training run's folder: checkpoints named by images shown under {@code checkpoints/}, of which the last K are
 * kept, plus whatever the trainer logs beside them (losses, samples). Checkpoints are written atomically, so after a
 * crash the newest complete one is the state to resume; a temporary file a killed writer left behind is removed.
 */
public final class RunFolder {
    private static final Pattern CHECKPOINT = Pattern.compile("images-(\\d{12})\\.safetensors");
    /** Temporary files of {@link atelier.nn.io.AtomicFile}: "." + target name + random part + ".tmp". */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp");

    /** Loads a checkpoint file into whatever the caller continues from. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(Path checkpoint) throws IOException;
    }

    private final Path root;

    public RunFolder(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path file(String name) {
        return root.resolve(name);
    }

    public Path checkpointDirectory() {
        return root.resolve("checkpoints");
    }

    /** Where the checkpoint after {@code imagesShown} images goes. */
    public Path checkpointFile(long imagesShown) {
        return checkpointDirectory().resolve(String.format("images-%012d.safetensors", imagesShown));
    }

    /** Checkpoints present, oldest first. */
    public List<Path> checkpoints() throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(checkpointDirectory())) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(checkpointDirectory())) {
                for (Path f : files) {
                    if (CHECKPOINT.matcher(f.getFileName().toString()).matches()) {
                        found.add(f);
                    }
                }
            }
        }
        found.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return found;
    }

    /** Images shown at a checkpoint, from its file name. */
    public static long imagesShown(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a run checkpoint (images-NNNNNNNNNNNN.safetensors)");
        }
        return Long.parseLong(m.group(1));
    }

    /** True when the folder holds at least one checkpoint. */
    public boolean hasCheckpoints() throws IOException {
        return !checkpoints().isEmpty();
    }

    /**
     * Loads the newest checkpoint that loads; one that does not (it can only be damaged from outside: writes are
     * atomic) is reported through {@code warn} and the one before it is tried.
     */
    public <T> T loadNewest(Loader<T> loader, Consumer<String> warn) throws IOException {
        List<Path> all = checkpoints();
        if (all.isEmpty()) {
            throw new CheckpointException("run folder " + root + " has no checkpoints (expected "
                    + checkpointDirectory().resolve("images-*.safetensors") + ")");
        }
        CheckpointException last = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                return loader.load(all.get(i));
            } catch (CheckpointException e) {
                warn.accept("skipping unusable checkpoint: " + e.getMessage());
                last = e;
            }
        }
        throw new CheckpointException("run folder " + root + " has no usable checkpoint; the newest: "
                + last.getMessage());
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints, with what was derived from each and named after it
     * ("images-N.knobs.safetensors", the folder "images-N.knobs/").
     */
    public void keepNewest(int keep) throws IOException {
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            String stem = all.get(i).getFileName().toString().replace(".safetensors", ".");
            try (DirectoryStream<Path> derived = Files.newDirectoryStream(checkpointDirectory(), stem + "*")) {
                for (Path f : derived) {
                    deleteTree(f);
                }
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                for (Path child : children) {
                    deleteTree(child);
                }
            }
        }
        Files.deleteIfExists(path);
    }

    /** Removes temporary files that a process killed mid-write left in the run folder or its checkpoints. */
    public void removeTemporaryFiles() throws IOException {
        for (Path dir : List.of(root, checkpointDirectory())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                files.forEach(f -> {
                    if (TEMPORARY.matcher(f.getFileName().toString()).matches()) {
                        try {
                            Files.deleteIfExists(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
            }
        }
    }
}
