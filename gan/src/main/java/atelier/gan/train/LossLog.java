package atelier.gan.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CSV log of training values, one row per step: images shown first, then the named columns. Opening it for a
 * resumed run drops the rows after the checkpoint being resumed (they were written by steps that are now redone),
 * so the log always describes the run that the checkpoints describe.
 */
public final class LossLog implements AutoCloseable {
    private final Path file;
    private final List<String> columns;
    private final BufferedWriter out;

    /**
     * Opens the log, keeping the rows of at most {@code keepUpTo} images shown (0 for a new run). A file with
     * another header is an error naming it, so a log is never mixed from two kinds of run.
     */
    public LossLog(Path file, List<String> columns, long keepUpTo) throws IOException {
        this.file = file;
        this.columns = List.copyOf(columns);
        String header = "images," + String.join(",", columns);
        List<String> kept = new ArrayList<>();
        kept.add(header);
        if (keepUpTo > 0 && Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(header)) {
                throw new IOException("loss log " + file + " has another header than '" + header + "'");
            }
            for (String line : lines.subList(1, lines.size())) {
                int comma = line.indexOf(',');
                if (comma > 0 && parseImages(line.substring(0, comma)) <= keepUpTo) {
                    kept.add(line);
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, kept, StandardCharsets.UTF_8);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static long parseImages(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // a torn last line from a killed process: dropped
        }
    }

    public Path file() {
        return file;
    }

    public List<String> columns() {
        return columns;
    }

    /** Appends one row; values in column order. Flushed, so a kill loses at most the row being written. */
    public void append(long imagesShown, double... values) throws IOException {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("loss log row has " + values.length + " values for " + columns.size()
                    + " columns");
        }
        StringBuilder row = new StringBuilder().append(imagesShown);
        for (double v : values) {
            row.append(',').append(String.format(Locale.ROOT, "%.6g", v));
        }
        try {
            out.write(row.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new IOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every row so far as numbers: images shown, then the columns. */
    public List<double[]> rows() throws IOException {
        out.flush();
        List<double[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            if (cells.length != columns.size() + 1) {
                continue;
            }
            double[] row = new double[cells.length];
            try {
                for (int i = 0; i < cells.length; i++) {
                    row[i] = Double.parseDouble(cells[i]);
                }
            } catch (NumberFormatException e) {
                continue;
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
