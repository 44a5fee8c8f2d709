package atelier.tools.cli;

import atelier.gan.pgan.Augmentation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;

/** The augmentation flags of a training command: a preset, and any of its values overridden one by one. */
public final class AugmentationOptions {
    /** Option names, for commands that must refuse them (e.g. on --resume). */
    static final List<String> NAMES = List.of("--augment", "--hflip", "--vflip", "--rot90", "--rotate",
            "--max-degrees", "--jitter", "--brightness", "--contrast", "--saturation", "--hue");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--augment", defaultValue = "default", paramLabel = "default|none",
            description = "Augmentation preset: 'default' (mild flips, turns, rotations and colour jitter for "
                    + "paintings) or 'none'; the flags below override single values (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--hflip", paramLabel = "P", description = "Probability of a horizontal flip.")
    Double hflip;

    @Option(names = "--vflip", paramLabel = "P", description = "Probability of a vertical flip.")
    Double vflip;

    @Option(names = "--rot90", paramLabel = "P", description = "Probability of a quarter turn (1 to 3 quarters).")
    Double rot90;

    @Option(names = "--rotate", paramLabel = "P",
            description = "Probability of a small rotation (reflection fill) by up to --max-degrees.")
    Double rotate;

    @Option(names = "--max-degrees", paramLabel = "DEG", description = "Largest small rotation, 0..180 degrees.")
    Double maxDegrees;

    @Option(names = "--jitter", paramLabel = "P", description = "Probability of colour jitter.")
    Double jitter;

    @Option(names = "--brightness", paramLabel = "R", description = "Brightness factor range 1 +- R, R in 0..1.")
    Double brightness;

    @Option(names = "--contrast", paramLabel = "R", description = "Contrast factor range 1 +- R, R in 0..1.")
    Double contrast;

    @Option(names = "--saturation", paramLabel = "R", description = "Saturation factor range 1 +- R, R in 0..1.")
    Double saturation;

    @Option(names = "--hue", paramLabel = "TURNS", description = "Hue shift range +- TURNS, 0..0.5.")
    Double hue;

    /** The configured augmentation; an out-of-range value is a parameter error naming its flag. */
    public Augmentation augmentation() {
        Augmentation base = switch (preset) {
            case "default" -> Augmentation.defaults();
            case "none" -> Augmentation.none();
            default -> throw new ParameterException(spec.commandLine(),
                    "--augment must be 'default' or 'none', got '" + preset + "'");
        };
        try {
            return new Augmentation(or(hflip, base.hflip()), or(vflip, base.vflip()), or(rot90, base.rot90()),
                    or(rotate, base.rotate()), or(maxDegrees, base.maxDegrees()), or(jitter, base.jitter()),
                    or(brightness, base.brightness()), or(contrast, base.contrast()), or(saturation, base.saturation()),
                    or(hue, base.hue()));
        } catch (IllegalArgumentException e) {
            // "augmentation maxDegrees must be in [0, 180], got 200" -> "--max-degrees must be in [0, 180], got 200"
            String field = e.getMessage().split(" ")[1];
            String flag = "--" + field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            throw new ParameterException(spec.commandLine(), e.getMessage().replace("augmentation " + field, flag));
        }
    }

    private static double or(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}
