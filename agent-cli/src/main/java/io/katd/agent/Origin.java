package io.katd.agent;

/**
 * Where a configuration value came from, as it appears in error messages:
 * {@code cluster.kat:12}, {@code command line} or {@code default}.
 */
record Origin(String where) {
    static final Origin DEFAULT = new Origin("default");
    static final Origin COMMAND_LINE = new Origin("command line");

    /** Line {@code line} (1-based) of {@code file}. */
    static Origin line(String file, int line) {
        return new Origin(file + ":" + line);
    }
}
