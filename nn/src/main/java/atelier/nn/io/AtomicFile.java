package atelier.nn.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that a crash or a full disk never leaves a half-written file under the real name: the content
 * goes to a temporary file in the same directory, is forced to disk, and is renamed over the target in one atomic
 * step. On any failure the temporary file is removed and an existing target is left untouched.
 */
public final class AtomicFile implements AutoCloseable {
    private final Path file;
    private final Path tmp;
    private final FileChannel channel;
    private boolean committed;

    private AtomicFile(Path file, Path tmp, FileChannel channel) {
        this.file = file;
        this.tmp = tmp;
        this.channel = channel;
    }

    /** Something that writes a whole file's content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} in one go from {@code content}. A failure (e.g. a full disk) is an IOException naming the
     * file; the file as it was before stays untouched.
     */
    public static void write(Path file, Content content) throws IOException {
        try (AtomicFile pending = begin(file)) {
            // A writer that closes its stream must not close the channel before it is forced to disk.
            BufferedOutputStream out = new BufferedOutputStream(Channels.newOutputStream(pending.channel()), 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            content.writeTo(out);
            out.flush();
            pending.commit();
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts writing {@code file} piece by piece (e.g. several files in step): write to {@link #channel()}, then
     * {@link #commit()}; closing without a commit removes the temporary file.
     */
    public static AtomicFile begin(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            // Temp files are created private (0600); the finished file gets the usual rw-r--r--.
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return new AtomicFile(file, tmp, FileChannel.open(tmp, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Where the content goes. */
    public FileChannel channel() {
        return channel;
    }

    /** Forces the content to disk and renames it over the target. */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
    }

    /** Removes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
