package atelier.gan.upscale;

import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.gan.pgan.RealImages;
import atelier.gan.train.RunFolder;
import atelier.gan.train.TrainingCheckpoint;
import atelier.gan.train.TrainingCheckpoint.Fields;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import atelier.nn.optim.Adam;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * An upscaler training checkpoint: everything {@link UpscalerTrainer} needs to continue bit for bit. Tensors: the
 * upscaler's parameters ("g.conv0.weight" ...), the discriminator's ("d.rgb.weight" ...) and both Adam states
 * under name + ".adam_m" / ".adam_v". The atelier JSON block: kind "upscaler", the run's
 * {@link UpscalerTrainer.Config}, images shown, the RNG state and both Adam step counts.
 */
public final class UpscalerCheckpoint {
    public static final String KIND = "upscaler";

    private UpscalerCheckpoint() {
    }

    public static void save(UpscalerTrainer trainer, Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TrainingCheckpoint.putParameters(tensors, "", trainer.upscaler().parameters());
        TrainingCheckpoint.putParameters(tensors, "", trainer.discriminator().parameters());
        Adam[] adams = trainer.optimizers();
        JsonObject info = TrainingCheckpoint.info(KIND, configToJson(trainer.config()), trainer.imagesShown(),
                trainer.rng());
        TrainingCheckpoint.putOptimizers(tensors, info, adams[0], adams[1]);
        Checkpoint.save(file, tensors, info);
    }

    /**
     * The checkpoint a user names: a run folder's newest usable one (skipped damaged ones reported through
     * {@code warn}), or a checkpoint file.
     */
    public static Checkpoint loadRunOrFile(Path runOrFile, Consumer<String> warn) throws IOException {
        return Files.isDirectory(runOrFile) ? new RunFolder(runOrFile).loadNewest(UpscalerCheckpoint::load, warn)
                : load(runOrFile);
    }

    /** Reads a checkpoint and checks it is an upscaler's. */
    public static Checkpoint load(Path file) throws IOException {
        return TrainingCheckpoint.load(file, KIND, "an upscaler");
    }

    public static UpscalerTrainer.Config config(Checkpoint checkpoint) throws CheckpointException {
        Fields json = TrainingCheckpoint.fields(checkpoint).object("config");
        Fields shape = json.object("shape");
        Fields weights = json.object("weights");
        Fields adam = json.object("adam");
        try {
            return new UpscalerTrainer.Config(
                    new UpscalerShape(shape.integer("factor"), shape.integer("channels"), shape.integer("convs")),
                    json.integer("crop"), json.integer("batch"), json.integer("discriminator_channels"),
                    new UpscalerTrainer.Weights((float) weights.number("reconstruction"),
                            (float) weights.number("consistency"), (float) weights.number("adversarial")),
                    TrainingCheckpoint.adamFromJson(adam),
                    json.longValue("images"), Long.parseLong(json.string("seed")));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("file " + checkpoint.file() + " has an invalid configuration: "
                    + e.getMessage());
        }
    }

    /**
     * Continues a saved run where it stopped. {@code images} may extend the run (more crops in all than saved);
     * everything else is the saved configuration.
     */
    public static UpscalerTrainer resume(Device device, Checkpoint checkpoint, RealImages data, long images)
            throws CheckpointException {
        UpscalerTrainer.Config saved = config(checkpoint);
        UpscalerTrainer trainer = new UpscalerTrainer(device, new UpscalerTrainer.Config(saved.shape(), saved.crop(),
                saved.batch(), saved.discriminatorChannels(), saved.weights(), saved.adam(), images, saved.seed()),
                data);
        Fields info = TrainingCheckpoint.fields(checkpoint);
        trainer.restorePosition(info.longValue("images_shown"), Long.parseUnsignedLong(info.string("rng_state"), 16));
        TrainingCheckpoint.loadParameters(device, checkpoint, "", trainer.upscaler().parameters());
        TrainingCheckpoint.loadParameters(device, checkpoint, "", trainer.discriminator().parameters());
        Adam[] adams = trainer.optimizers();
        TrainingCheckpoint.loadOptimizers(checkpoint, adams[0], adams[1]);
        return trainer;
    }

    /** The trained upscaler alone, for inference. */
    public static Upscaler upscaler(Device device, Checkpoint checkpoint) throws CheckpointException {
        UpscalerTrainer.Config config = config(checkpoint);
        Upscaler upscaler = new Upscaler(device, config.shape(), new Random(config.seed()));
        TrainingCheckpoint.loadParameters(device, checkpoint, "", upscaler.parameters());
        return upscaler;
    }

    static JsonObject configToJson(UpscalerTrainer.Config c) {
        JsonObject shape = new JsonObject();
        shape.addProperty("factor", c.shape().factor());
        shape.addProperty("channels", c.shape().channels());
        shape.addProperty("convs", c.shape().convs());
        JsonObject weights = new JsonObject();
        weights.addProperty("reconstruction", c.weights().reconstruction());
        weights.addProperty("consistency", c.weights().consistency());
        weights.addProperty("adversarial", c.weights().adversarial());
        JsonObject json = new JsonObject();
        json.add("shape", shape);
        json.addProperty("crop", c.crop());
        json.addProperty("batch", c.batch());
        json.addProperty("discriminator_channels", c.discriminatorChannels());
        json.add("weights", weights);
        json.add("adam", TrainingCheckpoint.adamToJson(c.adam()));
        json.addProperty("images", c.images());
        json.addProperty("seed", Long.toString(c.seed()));
        return json;
    }
}
