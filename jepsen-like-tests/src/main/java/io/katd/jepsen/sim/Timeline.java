package io.katd.jepsen.sim;

import io.katd.jepsen.report.TimelinePage;

/** The self-contained HTML timeline of one simulation run; see {@link TimelinePage}. */
final class Timeline {
  private Timeline() {}

  static String html(RunResult r) {
    return TimelinePage.html(RunReport.record(r));
  }
}
