package atelier.tools.image;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A print size: width x height in inches, centimetres or pixels ("20x20in", "50x50cm", "6000x6000px") at a
 * resolution in dots per inch, and the exact pixel size it gives (physical sizes are rounded to whole pixels).
 */
public record PrintSize(String text, int width, int height, double dpi) {
    /** Java arrays hold at most 2^31 - 1 elements: a float RGB image of w x h needs 3 w h of them. */
    public static final long MAX_PIXELS = Integer.MAX_VALUE / 3;
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)x(\\d+(?:\\.\\d+)?)(in|cm|px)");

    /** Parses a size; {@code option} names the flag in error messages. */
    public static PrintSize parse(String option, String text, double dpi) {
        if (!(dpi > 0) || dpi > 100_000) {
            throw new IllegalArgumentException("--dpi must be a number above 0 (e.g. 300), got " + dpi);
        }
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " " + text
                    + ": expected WIDTHxHEIGHT with a unit in, cm or px (e.g. 20x20in, 50x50cm, 6000x6000px)");
        }
        double perUnit = switch (m.group(3)) {
            case "in" -> dpi;
            case "cm" -> dpi / 2.54;
            default -> 1;
        };
        long w = Math.round(Double.parseDouble(m.group(1)) * perUnit);
        long h = Math.round(Double.parseDouble(m.group(2)) * perUnit);
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException(option + " " + text + " at " + format(dpi) + " dpi is under one pixel");
        }
        if (w * h > MAX_PIXELS) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s %s at %s dpi is %dx%d px, above the "
                    + "%d pixels one image can hold (about %dx%d)", option, text, format(dpi), w, h, MAX_PIXELS,
                    (long) Math.sqrt(MAX_PIXELS), (long) Math.sqrt(MAX_PIXELS)));
        }
        return new PrintSize(text, (int) w, (int) h, dpi);
    }

    private static String format(double dpi) {
        return dpi == Math.rint(dpi) ? Long.toString((long) dpi) : Double.toString(dpi);
    }
}
