package atelier.core.device;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the newest copy of each storage array lives, for a device with its own memory: on the host, or in one
 * device-side holder {@code H} (for TornadoVM, the execution plan whose launches last wrote it). Arrays are keyed
 * by identity. An array no holder claims is current on the host.
 */
public final class Residency<H> {
    private final Map<float[], H> newest = new IdentityHashMap<>();

    /** {@code holder} has just written {@code array}: its copy is now the newest. */
    public void written(float[] array, H holder) {
        newest.put(array, holder);
    }

    /** The holder of the newest copy of {@code array}, or null when the host copy is current. */
    public H holderOf(float[] array) {
        return newest.get(array);
    }

    /** The host copy of {@code array} is current again (copied back, or written by the host). */
    public void hostCurrent(float[] array) {
        newest.remove(array);
    }

    /** The arrays whose newest copy {@code holder} holds, in no particular order. */
    public List<float[]> heldBy(H holder) {
        List<float[]> held = new ArrayList<>();
        newest.forEach((array, h) -> {
            if (h == holder) {
                held.add(array);
            }
        });
        return held;
    }
}
