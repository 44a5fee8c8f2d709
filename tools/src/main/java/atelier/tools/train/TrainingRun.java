package atelier.tools.train;

import atelier.gan.train.LossLog;
import atelier.gan.train.RunFolder;
import atelier.tools.cli.Progress;
import atelier.tools.cli.StopRequest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The loop every trainer runs in a run folder until it is done or a stop is requested: a progress line, a row of
 * losses per step, samples every N images (and at the start and the end), checkpoints every N images (and on a
 * stop, and at the end) of which the last K are kept. Subclasses say what a step, a checkpoint and a sample are.
 */
public abstract class TrainingRun {
    /** How often to write what; counts are images shown. */
    public record Settings(long checkpointEvery, int keepCheckpoints, long sampleEvery, int sampleCount) {
        public Settings {
            if (checkpointEvery < 1 || keepCheckpoints < 1 || sampleEvery < 1 || sampleCount < 1) {
                throw new IllegalArgumentException("checkpoint interval, checkpoints kept, sample interval and "
                        + "sample count must all be >= 1");
            }
        }
    }

    protected final RunFolder folder;
    protected final Settings settings;
    protected final PrintWriter log;

    protected TrainingRun(RunFolder folder, Settings settings, PrintWriter log) {
        this.folder = folder;
        this.settings = settings;
        this.log = log;
    }

    protected abstract long imagesShown();

    /** Images shown when the run is done. */
    protected abstract long totalImages();

    protected abstract boolean finished();

    /** The loss log's columns. */
    protected abstract List<String> columns();

    /** One training step: appends its losses, updates the progress line and returns the images shown after it. */
    protected abstract long step(LossLog losses, Progress progress) throws IOException;

    /** Writes the whole training state to {@code file}. */
    protected abstract void save(Path file) throws IOException;

    /** Writes sample images and the loss plot. */
    protected abstract void writeSamples(LossLog losses) throws IOException;

    /** Releases what the subclass keeps open during the run (logs of its own); called once the run ends. */
    protected void close() throws IOException {
    }

    /** Trains until done or {@code stop} is requested; returns the last checkpoint written. */
    public final Path run(StopRequest stop) throws IOException {
        folder.removeTemporaryFiles();
        long start = imagesShown();
        Progress progress = new Progress(log, "img", start, totalImages());
        long nextCheckpoint = next(start, settings.checkpointEvery);
        long nextSample = next(start, settings.sampleEvery);
        Path last = null;
        try (LossLog losses = new LossLog(folder.file("losses.csv"), columns(), start)) {
            if (start == 0) {
                writeSamples(losses);
            }
            while (!finished() && !stop.requested()) {
                long shown = step(losses, progress);
                if (shown >= nextSample) {
                    nextSample = next(shown, settings.sampleEvery);
                    writeSamples(losses);
                }
                if (shown >= nextCheckpoint) {
                    nextCheckpoint = next(shown, settings.checkpointEvery);
                    last = checkpoint();
                }
            }
            if (imagesShown() > start && (last == null || RunFolder.imagesShown(last) != imagesShown())) {
                last = checkpoint();
                writeSamples(losses);
            }
        } finally {
            close();
        }
        if (stop.requested()) {
            log.printf("%nstopped at %d images; resume with --resume %s%n", imagesShown(), folder.root());
        }
        log.flush();
        return last;
    }

    /** The first multiple of {@code every} above {@code done}. */
    static long next(long done, long every) {
        return (done / every + 1) * every;
    }

    private Path checkpoint() throws IOException {
        Path file = folder.checkpointFile(imagesShown());
        save(file);
        folder.keepNewest(settings.keepCheckpoints);
        return file;
    }
}
