package atelier.core.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the newest copy of each storage array lives, for a device with its own memory: on the host, or in one
 * device-side holder {@code H} (for TornadoVM, the executed plan whose launches last wrote it), and which holders
 * must stay alive for that. Arrays are keyed by identity; an array no holder claims is current on the host. At most
 * {@code maxLive} holders stay alive: past that the oldest one's arrays are copied back and it is freed.
 */
public final class Residency<H> {
    /** What the device does for the ledger: copy one array back from a holder, free a holder's memory. */
    public interface Memory<H> {
        void copyToHost(H holder, float[] array);

        void free(H holder);
    }

    private final Memory<H> memory;
    private final int maxLive;
    private final Map<float[], H> newest = new IdentityHashMap<>();
    private final ArrayDeque<H> live = new ArrayDeque<>();

    public Residency(Memory<H> memory, int maxLive) {
        if (maxLive < 1) {
            throw new IllegalArgumentException("at least one holder must stay alive, got " + maxLive);
        }
        this.memory = memory;
        this.maxLive = maxLive;
    }

    /**
     * {@code holder} has just run and written {@code written}: it now holds their newest copies. Frees the holders
     * left with none, then the oldest ones beyond the limit after copying their arrays back.
     */
    public void executed(H holder, Collection<float[]> written) {
        for (float[] array : written) {
            newest.put(array, holder);
        }
        live.addLast(holder);
        live.removeIf(h -> {
            boolean idle = heldBy(h).isEmpty();
            if (idle) {
                memory.free(h);
            }
            return idle;
        });
        while (live.size() > maxLive) {
            release(live.removeFirst());
        }
    }

    /** Makes the host copy of {@code array} current, copying it back from its holder if one has it. */
    public void toHost(float[] array) {
        H holder = newest.remove(array);
        if (holder != null) {
            memory.copyToHost(holder, array);
        }
    }

    /** The host has written {@code array}: copies a holder has are stale. */
    public void hostWrote(float[] array) {
        newest.remove(array);
    }

    /** The holder of the newest copy of {@code array}, or null when the host copy is current. */
    public H holderOf(float[] array) {
        return newest.get(array);
    }

    /** Copies every array back to the host and frees every holder. */
    public void releaseAll() {
        while (!live.isEmpty()) {
            release(live.removeFirst());
        }
    }

    private void release(H holder) {
        for (float[] array : heldBy(holder)) {
            toHost(array);
        }
        memory.free(holder);
    }

    private List<float[]> heldBy(H holder) {
        List<float[]> held = new ArrayList<>();
        newest.forEach((array, h) -> {
            if (h == holder) {
                held.add(array);
            }
        });
        return held;
    }
}
