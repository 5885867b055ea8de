package io.katd.jepsen.check;

import java.util.Objects;

/**
 * The verdict of one invariant checker over one run.
 *
 * @param checker the checker's name, as reports show it
 * @param valid whether the invariant held
 * @param detail empty when valid; otherwise the first violation, in a sentence
 */
public record Finding(String checker, boolean valid, String detail) {
  public Finding {
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(detail, "detail");
  }

  public static Finding ok(String checker) {
    return new Finding(checker, true, "");
  }

  public static Finding violation(String checker, String detail) {
    return new Finding(checker, false, detail);
  }

  @Override
  public String toString() {
    return checker + ": " + (valid ? "ok" : "VIOLATED: " + detail);
  }
}
