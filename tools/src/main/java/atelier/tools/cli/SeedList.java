package atelier.tools.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Seed lists as people write them: "1-16,20,33" (ranges inclusive, in the order given, seeds 0 and up). */
final class SeedList {
    static final int MAX_SEEDS = 100_000;
    private static final Pattern ITEM = Pattern.compile("(\\d{1,18})(?:-(\\d{1,18}))?");

    private SeedList() {
    }

    /** Parses {@code text}; {@code option} names the flag in error messages. */
    static long[] parse(String option, String text) {
        List<Long> seeds = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            Matcher m = ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException(option + " " + text + ": '" + item
                        + "' is not a seed or a range of seeds (e.g. 1-16,20,33)");
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2) == null ? first : Long.parseLong(m.group(2));
            if (last < first) {
                throw new IllegalArgumentException(option + " " + text + ": range " + item + " runs backwards");
            }
            if (last - first >= MAX_SEEDS - seeds.size()) {
                throw new IllegalArgumentException(option + " " + text + " lists more than " + MAX_SEEDS + " seeds");
            }
            for (long s = first; s <= last; s++) {
                seeds.add(s);
            }
        }
        return seeds.stream().mapToLong(Long::longValue).toArray();
    }
}
