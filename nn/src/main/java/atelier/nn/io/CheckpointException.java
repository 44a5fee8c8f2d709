package atelier.nn.io;

import java.io.IOException;

/** A checkpoint or safetensors file that cannot be used: its message names the file and what is wrong. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }
}
