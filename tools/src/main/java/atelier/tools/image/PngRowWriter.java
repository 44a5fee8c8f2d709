package atelier.tools.image;

import atelier.core.Tensor;
import atelier.nn.io.AtomicFile;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes an 8-bit RGB PNG row band by row band, so a print-size image never has to be in memory at once (Java's
 * and commons-imaging's writers take a whole image). Optionally records the print resolution (a pHYs chunk in
 * pixels per metre). The file appears under its name only when complete ({@link AtomicFile}); closing before the
 * last row removes it.
 */
public final class PngRowWriter implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int IDAT_SIZE = 1 << 16;

    private final AtomicFile file;
    private final OutputStream raw;
    private final DeflaterOutputStream pixels;
    private final int width;
    private final int height;
    private int rowsWritten;

    /** Starts {@code target}, width x height pixels; {@code dpi} > 0 records that print resolution. */
    public PngRowWriter(Path target, int width, int height, int dpi) throws IOException {
        this.width = width;
        this.height = height;
        this.file = AtomicFile.begin(target);
        try {
            this.raw = Channels.newOutputStream(file.channel());
            raw.write(SIGNATURE);
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(header);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits, truecolour RGB, deflate, adaptive filtering, no interlace
            chunk("IHDR", header.toByteArray(), header.size());
            if (dpi > 0) {
                ByteArrayOutputStream phys = new ByteArrayOutputStream();
                DataOutputStream p = new DataOutputStream(phys);
                int perMetre = (int) Math.round(dpi / 0.0254);
                p.writeInt(perMetre);
                p.writeInt(perMetre);
                p.writeByte(1); // unit: metre
                chunk("pHYs", phys.toByteArray(), phys.size());
            }
            this.pixels = new DeflaterOutputStream(new IdatStream(), new Deflater(6), IDAT_SIZE);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Appends the rows of {@code band} [1, 3, R, width], RGB in [-1, 1] (rounded and clamped to 0..255). */
    public void writeRows(Tensor band) throws IOException {
        band.requireShape("PNG rows", 1, 3, band.dim(2), width);
        int rows = band.dim(2);
        if (rowsWritten + rows > height) {
            throw new IllegalStateException("PNG of " + height + " rows given " + (rowsWritten + rows));
        }
        int plane = rows * width;
        byte[] line = new byte[1 + 3 * width]; // filter type 0 (none), then RGB triples
        float[] d = band.data();
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                line[1 + 3 * x] = (byte) ImageFiles.toByte(d[at]);
                line[2 + 3 * x] = (byte) ImageFiles.toByte(d[plane + at]);
                line[3 + 3 * x] = (byte) ImageFiles.toByte(d[2 * plane + at]);
            }
            pixels.write(line);
        }
        rowsWritten += rows;
    }

    /** Finishes the image once every row is written; the file appears under its name. */
    public void finish() throws IOException {
        if (rowsWritten != height) {
            throw new IllegalStateException("PNG of " + height + " rows finished after " + rowsWritten);
        }
        pixels.finish();
        pixels.flush();
        chunk("IEND", new byte[0], 0);
        raw.flush();
        file.commit();
    }

    /** Without {@link #finish()}: removes the partial file. */
    @Override
    public void close() throws IOException {
        file.close();
    }

    private void chunk(String type, byte[] data, int length) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(length);
        out.write(name);
        out.write(data, 0, length);
        out.writeInt((int) crc.getValue());
    }

    /** The compressed stream, cut into IDAT chunks as it arrives. */
    private final class IdatStream extends OutputStream {
        private final byte[] buffer = new byte[IDAT_SIZE];
        private int used;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
                if (used == buffer.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (used > 0) {
                chunk("IDAT", buffer, used);
                used = 0;
            }
        }
    }
}
