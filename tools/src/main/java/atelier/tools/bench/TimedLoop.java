package atelier.tools.bench;

/** The benchmarks' timing loop: a call repeated until a number of seconds has passed. */
final class TimedLoop {
    private TimedLoop() {
    }

    /** Runs {@code call} until {@code seconds} have passed, at least once; returns how many times it ran. */
    static int runFor(double seconds, Runnable call) {
        long start = System.nanoTime();
        int calls = 0;
        do {
            call.run();
            calls++;
        } while ((System.nanoTime() - start) / 1e9 < seconds);
        return calls;
    }
}
