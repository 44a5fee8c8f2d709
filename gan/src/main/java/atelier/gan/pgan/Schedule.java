package atelier.gan.pgan;

/**
 * The progressive-growing schedule: level 0 trains for one phase; every later level fades in for one phase
 * (alpha rising linearly 0 -> 1 with images shown) and then stabilizes for one more. Batch size per level.
 */
public record Schedule(long imagesPerPhase, int[] batchPerLevel) {
    public Schedule {
        if (imagesPerPhase < 1) {
            throw new IllegalArgumentException("images per phase must be >= 1, got " + imagesPerPhase);
        }
        for (int b : batchPerLevel) {
            if (b < 1) {
                throw new IllegalArgumentException("batch sizes must be >= 1");
            }
        }
    }

    /** The paper's: 800k images per phase; batch 16 up to 128 px, then 16, 14, 6, 3, 2, 1, 1 as memory allows. */
    public static Schedule paper() {
        return new Schedule(800_000, new int[] {16, 16, 16, 16, 16, 16, 14, 6, 3, 2, 1});
    }

    public int batch(int level) {
        return batchPerLevel[Math.min(level, batchPerLevel.length - 1)];
    }

    /** Images shown before training at {@code level} starts. */
    public long start(int level) {
        return level == 0 ? 0 : imagesPerPhase * (2L * level - 1);
    }

    /** Images shown when training up to {@code maxLevel} is complete. */
    public long end(int maxLevel) {
        return start(maxLevel) + (maxLevel == 0 ? imagesPerPhase : 2 * imagesPerPhase);
    }

    /** The level being trained after {@code shown} images (capped at maxLevel). */
    public int level(long shown, int maxLevel) {
        int level = 0;
        while (level < maxLevel && shown >= start(level + 1)) {
            level++;
        }
        return level;
    }

    /** The fade-in of {@code level} after {@code shown} images: 0 .. 1 during its first phase, then 1. */
    public float alpha(long shown, int level) {
        if (level == 0) {
            return 1f;
        }
        double progress = (double) (shown - start(level)) / imagesPerPhase;
        return (float) Math.max(0, Math.min(1, progress));
    }
}
