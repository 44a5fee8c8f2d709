package atelier.tools.image;

import atelier.nn.io.AtomicFile;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * An animated GIF that loops forever, written frame by frame (so a long animation is never all in memory) to a
 * temporary file renamed into place by {@link #finish()}. commons-imaging writes single-image GIFs only, so this
 * uses the JDK's GIF writer: per frame a graphic control extension with the delay, and on the first frame the
 * NETSCAPE2.0 application extension with loop count 0 (forever), which browsers and viewers honour.
 */
public final class GifAnimation implements AutoCloseable {
    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private final AtomicFile file;
    private final ImageOutputStream stream;
    private final ImageWriter writer;
    private final int delayCentiseconds;
    private boolean first = true;

    private GifAnimation(AtomicFile file, ImageOutputStream stream, ImageWriter writer, int delayCentiseconds) {
        this.file = file;
        this.stream = stream;
        this.writer = writer;
        this.delayCentiseconds = delayCentiseconds;
    }

    /** Starts an animation showing each frame for {@code delayCentiseconds} (GIF's unit). */
    public static GifAnimation begin(Path path, int delayCentiseconds) throws IOException {
        AtomicFile file = AtomicFile.begin(path);
        try {
            ImageOutputStream stream = ImageIO.createImageOutputStream(Channels.newOutputStream(file.channel()));
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            return new GifAnimation(file, stream, writer, delayCentiseconds);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Appends a frame (RGB; the writer reduces it to a 256-colour palette). */
    public void add(BufferedImage frame) throws IOException {
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
        control.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 (little-endian), i.e. forever
            child(root, "ApplicationExtensions").appendChild(loop);
            first = false;
        }
        metadata.setFromTree(FORMAT, root);
        writer.writeToSequence(new IIOImage(frame, null, metadata), param);
    }

    /** Completes the file and renames it into place. */
    public void finish() throws IOException {
        writer.endWriteSequence();
        stream.flush();
        file.commit();
    }

    /** Releases the writer; an unfinished animation's temporary file is removed. */
    @Override
    public void close() throws IOException {
        writer.dispose();
        try {
            stream.close();
        } finally {
            file.close();
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
