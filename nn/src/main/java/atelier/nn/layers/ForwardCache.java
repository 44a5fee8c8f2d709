package atelier.nn.layers;

/** Guards a layer's backward: it needs what its last forward kept. */
final class ForwardCache {
    private ForwardCache() {
    }

    static <T> T require(T kept, String layer) {
        if (kept == null) {
            throw new IllegalStateException(layer + ".backward called before forward");
        }
        return kept;
    }
}
