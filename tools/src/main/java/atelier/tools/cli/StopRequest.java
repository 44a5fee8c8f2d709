package atelier.tools.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for long work: the JVM runs shutdown hooks on both, so a hook marks the stop as requested and
 * then holds the JVM open until the work has reached a safe point (e.g. written its checkpoint) and called
 * {@link #close()}. The work polls {@link #requested()} between steps.
 */
public final class StopRequest implements AutoCloseable {
    /** How long a signal waits for the work to save before the JVM exits regardless. */
    private static final long GRACE_MINUTES = 30;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    public StopRequest() {
        hook = new Thread(() -> {
            requested = true;
            try {
                finished.await(GRACE_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "atelier-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once Ctrl-C or SIGTERM arrived. */
    public boolean requested() {
        return requested;
    }

    /** The work is at a safe point (or done): lets a pending shutdown proceed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it returns now that the latch is open.
        }
    }
}
