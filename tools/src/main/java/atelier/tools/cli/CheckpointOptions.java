package atelier.tools.cli;

import atelier.gan.pgan.PganCheckpoint;
import atelier.gan.train.RunFolder;
import atelier.nn.io.Checkpoint;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The trained model a command samples from. */
public final class CheckpointOptions {
    @Option(names = "--checkpoint", required = true, paramLabel = "RUN|FILE",
            description = "A run folder (its newest checkpoint) or a checkpoint file.")
    Path checkpoint;

    /** Loads the checkpoint: a run folder's newest usable one, or the file given. */
    Checkpoint load(PrintWriter log) throws IOException {
        if (Files.isDirectory(checkpoint)) {
            return new RunFolder(checkpoint).loadNewest(PganCheckpoint::load, log::println);
        }
        if (!Files.exists(checkpoint)) {
            throw new IllegalArgumentException("--checkpoint " + checkpoint
                    + " does not exist (give a run folder or a checkpoint file)");
        }
        return PganCheckpoint.load(checkpoint);
    }
}
