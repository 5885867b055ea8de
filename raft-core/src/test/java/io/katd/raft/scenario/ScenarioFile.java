package io.katd.raft.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of a scenario file. Lines starting with {@code #} and blank lines are
 * commentary; any other line is a command, followed by a line {@code ----} and the
 * expected output, which ends at the next blank line or at the end of the file. Outputs
 * therefore never contain blank lines.
 *
 * @param cases the commands in file order
 * @param trailer the commentary after the last case, kept for rewriting
 */
record ScenarioFile(List<Case> cases, String trailer) {
    static final String SEPARATOR = "----";

    /**
     * One command and what it must print.
     *
     * @param preamble the commentary lines before the command, kept for rewriting
     * @param line the 1-based line number of the command
     */
    record Case(String preamble, int line, String command, String expected) {}

    static ScenarioFile parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<Case> cases = new ArrayList<>();
        StringBuilder preamble = new StringBuilder();
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (l.isBlank() || l.startsWith("#")) {
                if (i < lines.length - 1 || !l.isEmpty()) {
                    preamble.append(l).append('\n');
                }
                i++;
                continue;
            }
            int commandLine = i + 1;
            if (i + 1 >= lines.length || !lines[i + 1].equals(SEPARATOR)) {
                throw new AssertionError(name + ":" + commandLine + ": command '" + l
                        + "' must be followed by a line " + SEPARATOR);
            }
            i += 2;
            List<String> expected = new ArrayList<>();
            while (i < lines.length && !lines[i].isBlank()) {
                expected.add(lines[i]);
                i++;
            }
            cases.add(new Case(preamble.toString(), commandLine, l, String.join("\n", expected)));
            preamble.setLength(0);
        }
        return new ScenarioFile(cases, preamble.toString());
    }

    /** The file with each case's output replaced by {@code outputs}, in order. */
    String render(List<String> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            sb.append(c.preamble()).append(c.command()).append('\n').append(SEPARATOR)
                    .append('\n').append(outputs.get(i)).append('\n');
        }
        return sb.append(trailer).toString();
    }
}
