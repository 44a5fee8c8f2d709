package atelier.gan.pgan;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.train.TrainingCheckpoint;
import atelier.gan.train.TrainingCheckpoint.Fields;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import atelier.nn.optim.Adam;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A PGAN training checkpoint: everything {@link ProgressiveTrainer} needs to continue bit for bit. Tensors: the
 * generator and discriminator parameters under their own names ("g.level3.conv0.weight", "d.level0.score.bias"),
 * the moving-average generator under "ema." + name, and both Adam states under name + ".adam_m" / ".adam_v".
 * The atelier JSON block: kind, the run's {@link ProgressiveTrainer.Config}, images shown, network level, alpha
 * (for people; it is derived from images shown), the RNG state and both Adam step counts.
 */
public final class PganCheckpoint {
    /** The "kind" in the JSON block; other kinds (e.g. an upscaler's) are refused with a clear message. */
    public static final String KIND = "pgan";
    private static final String EMA_PREFIX = "ema.";

    private PganCheckpoint() {
    }

    /** Writes the trainer's whole state atomically. */
    public static void save(ProgressiveTrainer trainer, Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TrainingCheckpoint.putParameters(tensors, "", trainer.generator().parameters());
        TrainingCheckpoint.putParameters(tensors, EMA_PREFIX, trainer.averageGenerator().parameters());
        TrainingCheckpoint.putParameters(tensors, "", trainer.discriminator().parameters());
        Adam[] adams = trainer.optimizers();

        JsonObject info = TrainingCheckpoint.info(KIND, configToJson(trainer.config()), trainer.imagesShown(),
                trainer.rng());
        info.addProperty("level", trainer.generator().level());
        info.addProperty("resolution", trainer.generator().resolution());
        info.addProperty("alpha", trainer.generator().alpha());
        TrainingCheckpoint.putOptimizers(tensors, info, adams[0], adams[1]);
        trainer.device().toHost(tensors.values().toArray(Tensor[]::new));
        Checkpoint.save(file, tensors, info);
    }

    /** Reads a checkpoint and checks it is a PGAN training checkpoint. */
    public static Checkpoint load(Path file) throws IOException {
        return TrainingCheckpoint.load(file, KIND, "a PGAN");
    }

    /** The run's configuration as saved. */
    public static ProgressiveTrainer.Config config(Checkpoint checkpoint) throws CheckpointException {
        return configFromJson(TrainingCheckpoint.fields(checkpoint).object("config"));
    }

    /** Continues a saved run exactly where it stopped, with its saved configuration. */
    public static ProgressiveTrainer resume(Device device, Checkpoint checkpoint, RealImages data)
            throws CheckpointException {
        return restore(device, checkpoint, data, config(checkpoint));
    }

    /**
     * Continues a saved run under a new configuration that may raise the maximum resolution and change the
     * schedule (batch sizes, images per phase); the architecture below the saved level must be the same. This is
     * how a trained 2048 model is grown to 4096: the schedule goes on into the new levels, each faded in.
     */
    public static ProgressiveTrainer restore(Device device, Checkpoint checkpoint, RealImages data,
                                             ProgressiveTrainer.Config config) throws CheckpointException {
        Path file = checkpoint.file();
        PganShape saved = config(checkpoint).shape();
        PganShape wanted = config.shape();
        if (saved.latent() != wanted.latent() || saved.maxChannels() != wanted.maxChannels()
                || saved.minChannels() != wanted.minChannels() || saved.imageChannels() != wanted.imageChannels()) {
            throw new CheckpointException("file " + file + " holds a network of another shape (" + saved
                    + ") than the one asked for (" + wanted + ")");
        }
        Fields info = TrainingCheckpoint.fields(checkpoint);
        int level = info.integer("level");
        if (level >= wanted.levels()) {
            throw new CheckpointException("file " + file + " is at " + PganShape.resolution(level)
                    + " px, above the maximum resolution asked for (" + wanted.maxResolution() + ")");
        }
        ProgressiveTrainer trainer = new ProgressiveTrainer(device, config, data);
        trainer.positionAt(level, info.longValue("images_shown"), Long.parseUnsignedLong(info.string("rng_state"), 16));
        TrainingCheckpoint.loadParameters(device, checkpoint, "", trainer.generator().parameters());
        TrainingCheckpoint.loadParameters(device, checkpoint, EMA_PREFIX, trainer.averageGenerator().parameters());
        TrainingCheckpoint.loadParameters(device, checkpoint, "", trainer.discriminator().parameters());
        Adam[] adams = trainer.optimizers();
        TrainingCheckpoint.loadOptimizers(checkpoint, adams[0], adams[1]);
        return trainer;
    }

    /** The moving-average generator of a checkpoint, at the checkpoint's level and alpha: the one to sample. */
    public static Generator averageGenerator(Device device, Checkpoint checkpoint) throws CheckpointException {
        ProgressiveTrainer.Config config = config(checkpoint);
        Fields info = TrainingCheckpoint.fields(checkpoint);
        Generator g = new Generator(device, config.shape(), new Random(config.seed()));
        int level = info.integer("level");
        if (level >= config.shape().levels()) {
            throw new CheckpointException("file " + checkpoint.file() + " has level " + level
                    + " beyond its own maximum resolution " + config.shape().maxResolution());
        }
        while (g.level() < level) {
            g.grow();
        }
        g.setAlpha((float) info.number("alpha"));
        TrainingCheckpoint.loadParameters(device, checkpoint, EMA_PREFIX, g.parameters());
        return g;
    }

    static JsonObject configToJson(ProgressiveTrainer.Config c) {
        JsonObject shape = new JsonObject();
        shape.addProperty("latent", c.shape().latent());
        shape.addProperty("max_resolution", c.shape().maxResolution());
        shape.addProperty("max_channels", c.shape().maxChannels());
        shape.addProperty("min_channels", c.shape().minChannels());
        shape.addProperty("image_channels", c.shape().imageChannels());
        JsonObject schedule = new JsonObject();
        schedule.addProperty("images_per_phase", c.schedule().imagesPerPhase());
        JsonArray batches = new JsonArray();
        for (int b : c.schedule().batchPerLevel()) {
            batches.add(b);
        }
        schedule.add("batch_per_level", batches);
        JsonObject loss = new JsonObject();
        loss.addProperty("lambda", c.loss().lambda());
        loss.addProperty("drift", c.loss().drift());
        JsonObject json = new JsonObject();
        json.add("shape", shape);
        json.add("schedule", schedule);
        json.add("adam", TrainingCheckpoint.adamToJson(c.adam()));
        json.add("loss", loss);
        json.addProperty("ema_beta", c.emaBeta());
        json.addProperty("seed", Long.toString(c.seed()));
        Augmentation a = c.augmentation();
        JsonObject augmentation = new JsonObject();
        augmentation.addProperty("hflip", a.hflip());
        augmentation.addProperty("vflip", a.vflip());
        augmentation.addProperty("rot90", a.rot90());
        augmentation.addProperty("rotate", a.rotate());
        augmentation.addProperty("max_degrees", a.maxDegrees());
        augmentation.addProperty("jitter", a.jitter());
        augmentation.addProperty("brightness", a.brightness());
        augmentation.addProperty("contrast", a.contrast());
        augmentation.addProperty("saturation", a.saturation());
        augmentation.addProperty("hue", a.hue());
        json.add("augmentation", augmentation);
        return json;
    }

    static ProgressiveTrainer.Config configFromJson(Fields json) throws CheckpointException {
        Fields shape = json.object("shape");
        Fields schedule = json.object("schedule");
        Fields adam = json.object("adam");
        Fields loss = json.object("loss");
        Fields a = json.object("augmentation");
        try {
            return new ProgressiveTrainer.Config(
                    new PganShape(shape.integer("latent"), shape.integer("max_resolution"),
                            shape.integer("max_channels"), shape.integer("min_channels"),
                            shape.integer("image_channels")),
                    new Schedule(schedule.longValue("images_per_phase"), schedule.integers("batch_per_level")),
                    TrainingCheckpoint.adamFromJson(adam),
                    new WganGp.Config((float) loss.number("lambda"), (float) loss.number("drift")),
                    (float) json.number("ema_beta"), Long.parseLong(json.string("seed")),
                    new Augmentation(a.number("hflip"), a.number("vflip"), a.number("rot90"), a.number("rotate"),
                            a.number("max_degrees"), a.number("jitter"), a.number("brightness"),
                            a.number("contrast"), a.number("saturation"), a.number("hue")));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("file " + json.file() + " has an invalid configuration: " + e.getMessage());
        }
    }
}
