package atelier.tools.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A loss plot people can look at: one panel per logged value against images shown, stacked, with a dashed line
 * where the resolution changes. GAN losses spike early on, so each panel's vertical range covers the 1st to 99th
 * percentile of its values (plus a margin) rather than the extremes; the raw values are in the CSV beside it.
 */
public final class LossPlot {
    private static final int WIDTH = 960;
    private static final int PANEL_HEIGHT = 180;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 28;
    private static final int GAP = 34;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b)};

    private LossPlot() {
    }

    /**
     * Draws {@code rows} (images shown, then {@code columns}) into a PNG, one panel per name in {@code panels};
     * {@code resolutionColumn} (or null) holds the resolution in pixels, whose changes get a marked line.
     */
    public static void write(Path file, String title, List<double[]> rows, List<String> columns, List<String> panels,
                             String resolutionColumn) throws IOException {
        int height = TOP + panels.size() * (PANEL_HEIGHT + GAP) + 10;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            double xMax = rows.isEmpty() ? 1 : Math.max(1, rows.getLast()[0]);
            double xMin = rows.isEmpty() ? 0 : rows.getFirst()[0];
            int resolutionIndex = resolutionColumn == null ? -1 : columns.indexOf(resolutionColumn) + 1;
            for (int p = 0; p < panels.size(); p++) {
                int column = columns.indexOf(panels.get(p)) + 1;
                if (column == 0) {
                    throw new IllegalArgumentException("no column '" + panels.get(p) + "' in " + columns);
                }
                int top = TOP + p * (PANEL_HEIGHT + GAP) + 14;
                drawPanel(g, rows, column, resolutionIndex, panels.get(p), COLORS[p % COLORS.length], top, xMin, xMax);
            }
        } finally {
            g.dispose();
        }
        ImageFiles.writePng(image, file);
    }

    private static void drawPanel(Graphics2D g, List<double[]> rows, int column, int resolutionIndex, String name,
                                  Color color, int top, double xMin, double xMax) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        double[] values = rows.stream().mapToDouble(r -> r[column]).filter(Double::isFinite).sorted().toArray();
        double lo = values.length == 0 ? 0 : values[(int) (0.01 * (values.length - 1))];
        double hi = values.length == 0 ? 1 : values[(int) Math.ceil(0.99 * (values.length - 1))];
        double margin = hi > lo ? 0.08 * (hi - lo) : Math.max(1e-6, Math.abs(hi) * 0.1 + 1e-6);
        double yMin = lo - margin;
        double yMax = hi + margin;

        g.setColor(new Color(0xf4f4f4));
        g.fillRect(LEFT, top, plotWidth, PANEL_HEIGHT);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(LEFT, top, plotWidth, PANEL_HEIGHT);
        g.drawString(name, LEFT + 4, top - 4);
        for (int t = 0; t <= 4; t++) {
            double v = yMin + (yMax - yMin) * t / 4;
            int y = top + PANEL_HEIGHT - (int) Math.round(PANEL_HEIGHT * t / 4.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, LEFT + plotWidth - 1, y);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%.3g", v);
            g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        String right = String.format(Locale.ROOT, "%,.0f images", xMax);
        g.drawString(right, LEFT + plotWidth - g.getFontMetrics().stringWidth(right), top + PANEL_HEIGHT + 14);

        // Resolution changes.
        if (resolutionIndex > 0) {
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            for (int i = 1; i < rows.size(); i++) {
                if (rows.get(i)[resolutionIndex] != rows.get(i - 1)[resolutionIndex]) {
                    int x = xPixel(rows.get(i)[0], xMin, xMax, plotWidth);
                    g.setColor(Color.GRAY);
                    g.drawLine(x, top, x, top + PANEL_HEIGHT);
                    g.drawString((int) rows.get(i)[resolutionIndex] + "px", x + 3, top + 12);
                }
            }
        }

        // The series, clipped to the panel.
        g.setClip(LEFT, top, plotWidth, PANEL_HEIGHT);
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(color);
        Path2D.Double line = new Path2D.Double();
        boolean started = false;
        for (double[] row : rows) {
            if (!Double.isFinite(row[column])) {
                started = false;
                continue;
            }
            double x = xPixel(row[0], xMin, xMax, plotWidth);
            double y = top + PANEL_HEIGHT * (1 - (row[column] - yMin) / (yMax - yMin));
            if (started) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                started = true;
            }
        }
        g.draw(line);
        g.setClip(null);
        g.setStroke(new BasicStroke(1f));
    }

    private static int xPixel(double images, double xMin, double xMax, int plotWidth) {
        return LEFT + (int) Math.round(plotWidth * (images - xMin) / Math.max(1e-9, xMax - xMin));
    }
}
