package atelier.tools.cli;

import atelier.core.device.Device;
import atelier.gan.pgan.Generator;
import atelier.gan.sample.LatentEdit;
import atelier.gan.sample.StyleKnobs;
import atelier.nn.io.Checkpoint;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How seeded latents become images: truncation, style knobs, and images per generator pass. */
public final class SamplingOptions {
    private static final Pattern KNOB = Pattern.compile("(\\d{1,9})=([+-]?\\d+(?:\\.\\d*)?|[+-]?\\.\\d+)");

    @Option(names = "--truncation", defaultValue = "1", paramLabel = "PSI",
            description = "Truncation psi in [0, 1]: pulls the first 4x4 features toward their mean (stored with "
                    + "the knobs); lower is more typical, less varied (default: ${DEFAULT-VALUE}, none).")
    float truncation;

    @Option(names = "--knob", paramLabel = "K=STRENGTH",
            description = "Turn style knob K (see 'atelier knobs') to a strength in sigmas, e.g. --knob 0=+2 "
                    + "--knob 3=-1.5; knobs are computed and stored beside the checkpoint on first use.")
    List<String> knobs = new ArrayList<>();

    @Option(names = "--batch", defaultValue = "8",
            description = "Images per generator pass (default: ${DEFAULT-VALUE}).")
    int batch;

    /** A renderer of the generator with the edit asked for. */
    Renderer renderer(Device device, Generator generator, Checkpoint checkpoint, PrintWriter log) throws IOException {
        return new Renderer(device, generator, edit(device, generator, checkpoint, log), batch);
    }

    /** The edit asked for; the knobs file (knobs and mean features) is loaded or computed only when needed. */
    private LatentEdit edit(Device device, Generator generator, Checkpoint checkpoint, PrintWriter log)
            throws IOException {
        if (!(truncation >= 0f && truncation <= 1f)) {
            throw new IllegalArgumentException("--truncation must be in [0, 1], got " + truncation);
        }
        Map<Integer, Float> strengths = strengths(generator.shape().latent());
        if (strengths.isEmpty() && truncation == 1f) {
            return LatentEdit.none();
        }
        int latent = generator.shape().latent();
        int highest = strengths.keySet().stream().max(Integer::compare).orElse(0);
        int needed = Math.max(StyleKnobs.DEFAULT_COUNT, highest + 1);
        StyleKnobs knobs = StyleKnobs.obtain(device, generator, checkpoint, Math.min(needed, latent), null,
                progress(log), log::println);
        return new LatentEdit(truncation, knobs.meanFeatures(), strengths.isEmpty() ? null : knobs.offset(strengths));
    }

    private Map<Integer, Float> strengths(int latent) {
        Map<Integer, Float> strengths = new LinkedHashMap<>();
        for (String knob : knobs) {
            Matcher m = KNOB.matcher(knob.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("--knob " + knob + ": expected INDEX=STRENGTH, e.g. 0=+2 or 3=-1.5");
            }
            int index = Integer.parseInt(m.group(1));
            if (index >= latent) {
                throw new IllegalArgumentException("--knob " + knob + ": knob indices run 0.." + (latent - 1)
                        + " (one per latent dimension at most)");
            }
            if (strengths.put(index, Float.parseFloat(m.group(2))) != null) {
                throw new IllegalArgumentException("--knob " + knob + ": knob " + index + " is given twice");
            }
        }
        return strengths;
    }

    /** Progress lines for computing knobs: one bar for the samples, one for the PCA's iterations (a bound). */
    static StyleKnobs.Listener progress(PrintWriter log) {
        Map<String, Progress> bars = new LinkedHashMap<>();
        return (stage, done, total) -> bars.computeIfAbsent(stage,
                s -> new Progress(log, s.equals("pca") ? "it" : "img", total)).update(done, stage);
    }
}
