package atelier.tools.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A progress line for long work: done/total, rate and ETA, plus a caller's status text. On a terminal it redraws
 * one line (carriage return); in logs (no console) it prints a line every few seconds instead.
 */
public final class Progress {
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final String unit;
    private final long total;
    private final long startDone;
    private final long startNanos = System.nanoTime();
    private final boolean redraw = System.console() != null;
    private long lastPrint;

    public Progress(PrintWriter out, String unit, long total) {
        this(out, unit, 0, total);
    }

    /** Progress that starts at {@code startDone} (a resumed job): rate and ETA count only what this run does. */
    public Progress(PrintWriter out, String unit, long startDone, long total) {
        this.out = out;
        this.unit = unit;
        this.startDone = startDone;
        this.total = total;
    }

    /** Reports {@code done} units so far with a status text; prints only when due. */
    public void update(long done, String status) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastPrint < (redraw ? 200_000_000L : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastPrint = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = (done - startDone) / Math.max(seconds, 1e-9);
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        int width = 24;
        int filled = (int) (width * Math.min(1.0, (double) done / total));
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d %s | %.1f %s/s | ETA %s | %s",
                "#".repeat(filled), "-".repeat(width - filled), done, total, unit, rate, unit, eta, status);
        if (redraw) {
            out.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Elapsed time since creation, formatted. */
    public String elapsed() {
        return duration((System.nanoTime() - startNanos) / 1e9);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : s + "s";
    }
}
