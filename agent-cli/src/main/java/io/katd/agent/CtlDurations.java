package io.katd.agent;

import java.time.Duration;

/** Durations given on a command line: {@code 500ms}, {@code 5s}, {@code 1m}. */
final class CtlDurations {
    private CtlDurations() {}

    /**
     * @throws ConfigException naming {@code flag} when {@code text} is no positive duration
     */
    static Duration parse(String text, String flag) {
        Duration d = Durations.parse(text).orElseThrow(() -> new ConfigException(flag + ": "
                + Cidrs.quote(text) + " is not a duration (" + Durations.HINT + ")"));
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(flag + ": " + Cidrs.quote(text) + " must be positive");
        }
        return d;
    }
}
