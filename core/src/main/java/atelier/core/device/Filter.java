package atelier.core.device;

import atelier.core.kernels.Resample;

/**
 * A fixed downsampling filter for one integer factor: the separable taps and where they start relative to
 * o * factor (see {@link Resample#downsample}).
 */
public record Filter(String name, int factor, float[] taps, int tapOffset) {

    /** Area averaging of factor x factor blocks (2x2 average pooling for factor 2). */
    public static Filter area(int factor) {
        requirePositive(factor);
        return new Filter("area", factor, Resample.boxTaps(factor), 0);
    }

    /** Antialiased bilinear, as PyTorch's interpolate(mode="bilinear", antialias=True) and PIL. */
    public static Filter bilinear(int factor) {
        requirePositive(factor);
        return new Filter("bilinear", factor, Resample.triangleTaps(factor), Resample.triangleTapOffset(factor));
    }

    /** Looks a filter up by name ("area" or "bilinear"). */
    public static Filter named(String name, int factor) {
        return switch (name) {
            case "area" -> area(factor);
            case "bilinear" -> bilinear(factor);
            default -> throw new IllegalArgumentException("unknown filter '" + name + "' (area, bilinear)");
        };
    }

    private static void requirePositive(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("downsampling factor must be >= 1, got " + factor);
        }
    }
}
