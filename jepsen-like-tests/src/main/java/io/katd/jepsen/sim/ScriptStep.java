package io.katd.jepsen.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a scripted scenario: an explicit fault or membership action, in place of the
 * random nemesis, for schedules too precise to be found at random (the figure 8 of the Raft
 * paper, say). A step is one line: a verb and its arguments, separated by spaces.
 *
 * @param verb what to do
 * @param args its arguments, checked against the verb's form
 */
record ScriptStep(String verb, List<String> args) {
  /** Every verb, with the form of its arguments: N a node id, K a key, S/MS a number. */
  static final Map<String, String> FORMS = forms();

  private static Map<String, String> forms() {
    Map<String, String> m = new TreeMap<>();
    m.put("freeze", "");           // no ticks: no elections or heartbeats but the script's
    m.put("unfreeze", "");
    m.put("elect", "N");           // campaign on N until it leads
    m.put("cut", "N N");           // cut both directions of a link
    m.put("isolate", "N");         // cut a node from every other (messages in flight too)
    m.put("heal", "");             // end every partition
    m.put("crash", "N");
    m.put("restart", "N");
    m.put("wipe-log", "N");        // crash N and wipe its raft log and snapshots
    m.put("put", "N K S");         // a client write of an S-byte value through member N
    m.put("await-match", "N N");   // until leader N has the last put's index matched on N
    m.put("wait", "MS");           // let simulated milliseconds pass
    m.put("add-learner", "N");     // a fresh member N, blank disk, caught up by snapshot
    m.put("promote", "N");         // once learner N is caught up
    m.put("remove", "N");
    m.put("remove-leader", "");
    return m;
  }

  /** Parses one line; a bad line is an error naming the line and what is wrong with it. */
  static ScriptStep parse(String line) {
    String[] words = line.trim().split("\\s+");
    String verb = words[0];
    String form = FORMS.get(verb);
    if (form == null) {
      throw new IllegalArgumentException("script step '" + line + "': unknown verb '" + verb
          + "'; known verbs: " + FORMS.keySet());
    }
    List<String> args = Arrays.asList(words).subList(1, words.length);
    List<String> kinds = form.isEmpty() ? List.of() : List.of(form.split(" "));
    if (args.size() != kinds.size()) {
      throw new IllegalArgumentException("script step '" + line + "': " + verb + " takes "
          + (kinds.isEmpty() ? "no arguments" : "arguments " + form) + ", got " + args.size());
    }
    for (int i = 0; i < args.size(); i++) {
      if (!kinds.get(i).equals("K") && !args.get(i).matches("[0-9]{1,9}")) {
        throw new IllegalArgumentException("script step '" + line + "': argument "
            + (i + 1) + " must be a non-negative number, got '" + args.get(i) + "'");
      }
    }
    return new ScriptStep(verb, List.copyOf(args));
  }

  long num(int i) {
    return Long.parseLong(args.get(i));
  }

  @Override
  public String toString() {
    return args.isEmpty() ? verb : verb + " " + String.join(" ", args);
  }
}
