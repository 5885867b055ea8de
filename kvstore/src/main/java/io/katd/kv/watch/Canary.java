package io.katd.kv.watch;

/**
 * Planted watch bugs for VERIFY.md section 4, item 7 ("watch re-sends or skips events after
 * reconnecting"). A reconnecting client resumes with a start revision in the past, so its
 * watch catches up from history and then switches to live delivery: the step these bugs
 * break. Only tests pass anything but {@link #NONE}, through WatchHub's package-private
 * constructor; a watch checker that does not fail on them is itself broken.
 */
enum Canary {
    NONE,
    /** After a catch-up, queue the last caught-up revision a second time. */
    RESEND_AFTER_CATCH_UP,
    /** After a catch-up, skip the first live revision. */
    SKIP_AFTER_CATCH_UP
}
