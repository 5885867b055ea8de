package io.katd.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: one or more whole numbers with a unit each, as in
 * {@code 100ms}, {@code 1s}, {@code 2m}, {@code 1h} or {@code 1m30s}.
 */
final class Durations {
    static final String HINT = "use 1s, 500ms";
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d{1,9}(?:ms|s|m|h))+");

    private Durations() {}

    /** The duration {@code text} denotes, or empty when it is not a duration. */
    static Optional<Duration> parse(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            return Optional.empty();
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> throw new AssertionError(m.group(2));
            });
        }
        return Optional.of(total);
    }

    /** The shortest rendering that {@link #parse} reads back: {@code 1s}, {@code 150ms}. */
    static String format(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + "s";
        }
        return millis + "ms";
    }
}
