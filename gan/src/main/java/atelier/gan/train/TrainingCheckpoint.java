package atelier.gan.train;

import atelier.core.Rng;
import atelier.core.Tensor;
import atelier.core.device.Device;
import atelier.nn.Parameter;
import atelier.nn.io.Checkpoint;
import atelier.nn.io.CheckpointException;
import atelier.nn.optim.Adam;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every trainer's checkpoint shares: the "kind" in the atelier JSON block, typed fields of that block,
 * parameters saved under their names and Adam's hyper-parameters; every problem reading one is a
 * {@link CheckpointException} naming the file.
 */
public final class TrainingCheckpoint {
    private TrainingCheckpoint() {
    }

    /** Reads a checkpoint and checks its kind ("pgan", "upscaler"); {@code label} names the kind for people. */
    public static Checkpoint load(Path file, String kind, String label) throws IOException {
        Checkpoint checkpoint = Checkpoint.load(file);
        JsonElement saved = checkpoint.info().get("kind");
        if (saved == null || !saved.isJsonPrimitive() || !kind.equals(saved.getAsString())) {
            throw new CheckpointException("file " + file + " is not " + label + " checkpoint (kind "
                    + (saved == null ? "missing" : saved) + ")");
        }
        return checkpoint;
    }

    /** The start of a checkpoint's atelier JSON block: kind, configuration, images shown and the RNG state. */
    public static JsonObject info(String kind, JsonObject config, long imagesShown, Rng rng) {
        JsonObject info = new JsonObject();
        info.addProperty("kind", kind);
        info.add("config", config);
        info.addProperty("images_shown", imagesShown);
        info.addProperty("rng_state", Long.toHexString(rng.state()));
        return info;
    }

    /** Puts each parameter's value into {@code tensors} under prefix + its name. */
    public static void putParameters(Map<String, Tensor> tensors, String prefix, List<Parameter> params) {
        for (Parameter p : params) {
            tensors.put(prefix + p.name(), p.value());
        }
    }

    /** Copies the tensors saved under prefix + each parameter's name into the parameters. */
    public static void loadParameters(Device device, Checkpoint checkpoint, String prefix, List<Parameter> params)
            throws CheckpointException {
        for (Parameter p : params) {
            Tensor saved = checkpoint.tensor(prefix + p.name());
            if (!saved.sameShape(p.value())) {
                throw new CheckpointException("file " + checkpoint.file() + ": tensor '" + prefix + p.name()
                        + "' is " + saved + ", the network expects " + p.value());
            }
            device.copy(saved, p.value());
        }
    }

    /**
     * Saves a generator's and a discriminator's Adam: moments into {@code tensors}, step counts into {@code info}
     * ("adam_g_steps", "adam_d_steps").
     */
    public static void putOptimizers(Map<String, Tensor> tensors, JsonObject info, Adam generator, Adam discriminator) {
        tensors.putAll(generator.state());
        tensors.putAll(discriminator.state());
        info.addProperty("adam_g_steps", generator.stepCount());
        info.addProperty("adam_d_steps", discriminator.stepCount());
    }

    /** Restores what {@link #putOptimizers} saved. */
    public static void loadOptimizers(Checkpoint checkpoint, Adam generator, Adam discriminator)
            throws CheckpointException {
        Fields info = fields(checkpoint);
        try {
            generator.load(checkpoint.tensors(), info.longValue("adam_g_steps"));
            discriminator.load(checkpoint.tensors(), info.longValue("adam_d_steps"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("file " + checkpoint.file() + ": " + e.getMessage());
        }
    }

    public static JsonObject adamToJson(Adam.Config adam) {
        JsonObject json = new JsonObject();
        json.addProperty("lr", adam.lr());
        json.addProperty("beta1", adam.beta1());
        json.addProperty("beta2", adam.beta2());
        json.addProperty("eps", adam.eps());
        return json;
    }

    public static Adam.Config adamFromJson(Fields adam) throws CheckpointException {
        return new Adam.Config(adam.number("lr"), adam.number("beta1"), adam.number("beta2"), adam.number("eps"));
    }

    /** The atelier JSON block of a checkpoint as typed fields. */
    public static Fields fields(Checkpoint checkpoint) {
        return new Fields(checkpoint.file(), checkpoint.info());
    }

    /** Typed, required fields of a JSON object; a missing or mistyped one is an error naming the file. */
    public record Fields(Path file, JsonObject json) {
        public Fields object(String name) throws CheckpointException {
            JsonElement e = json.get(name);
            if (e == null || !e.isJsonObject()) {
                throw new CheckpointException("file " + file + ": atelier metadata lacks the object '" + name + "'");
            }
            return new Fields(file, e.getAsJsonObject());
        }

        private JsonElement primitive(String name) throws CheckpointException {
            JsonElement e = json.get(name);
            if (e == null || !e.isJsonPrimitive()) {
                throw new CheckpointException("file " + file + ": atelier metadata lacks the field '" + name + "'");
            }
            return e;
        }

        public double number(String name) throws CheckpointException {
            try {
                return primitive(name).getAsDouble();
            } catch (NumberFormatException e) {
                throw new CheckpointException("file " + file + ": field '" + name + "' is not a number");
            }
        }

        public long longValue(String name) throws CheckpointException {
            try {
                return primitive(name).getAsLong();
            } catch (NumberFormatException e) {
                throw new CheckpointException("file " + file + ": field '" + name + "' is not an integer");
            }
        }

        public int integer(String name) throws CheckpointException {
            return Math.toIntExact(longValue(name));
        }

        public String string(String name) throws CheckpointException {
            return primitive(name).getAsString();
        }

        public int[] integers(String name) throws CheckpointException {
            JsonElement e = json.get(name);
            if (e == null || !e.isJsonArray()) {
                throw new CheckpointException("file " + file + ": atelier metadata lacks the list '" + name + "'");
            }
            JsonArray array = e.getAsJsonArray();
            int[] values = new int[array.size()];
            try {
                for (int i = 0; i < values.length; i++) {
                    values[i] = array.get(i).getAsInt();
                }
            } catch (NumberFormatException | IllegalStateException | UnsupportedOperationException ex) {
                throw new CheckpointException("file " + file + ": list '" + name + "' holds a non-integer");
            }
            return values;
        }
    }
}
