package io.katd.jepsen.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * A self-contained HTML timeline of one run (inline CSS and SVG, no scripts): one lane per
 * client with its operations from invocation to completion, coloured by outcome; node fault
 * bands in one lane per node and network faults across the top; leader and term changes as
 * marks; the operation a checker could not place outlined in red.
 */
public final class TimelinePage {
  private static final int LANE = 22;
  private static final int LEFT = 90;
  private static final int WIDTH = 1400;

  private TimelinePage() {}

  public static String html(RunRecord r) {
    RunRecord.TimelineRows rows = r.timeline();
    long end = Math.max(1, r.phases().endMicros());
    Map<Integer, String> clients = new TreeMap<>(rows.clientLabels());
    rows.ops().forEach(o -> clients.putIfAbsent(o.client(), "client " + o.client()));
    int nodes = rows.nodeLabels().size();
    int lanes = 1 + nodes + clients.size();
    int height = (lanes + 2) * LANE;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(LEFT + WIDTH + 20)
        .append("' height='").append(height).append("'>");
    label(svg, 0, "network");
    for (int n = 1; n <= nodes; n++) {
      label(svg, n, rows.nodeLabels().get(n - 1));
    }
    int lane = nodes + 1;
    Map<Integer, Integer> laneOf = new TreeMap<>();
    for (Map.Entry<Integer, String> c : clients.entrySet()) {
      laneOf.put(c.getKey(), lane);
      label(svg, lane++, c.getValue());
    }
    phase(svg, r.phases().faultsStartMicros(), end, height, "faults start");
    phase(svg, r.phases().healedMicros(), end, height, "healed");
    for (RunRecord.Band b : rows.bands()) {
      long bandEnd = b.endMicros() > b.startMicros() ? b.endMicros() : end;
      for (int row : b.rows()) {
        rect(svg, x(b.startMicros(), end), row * LANE + 3, Math.max(2, x(bandEnd, end)
            - x(b.startMicros(), end)), LANE - 6, "band", b.kind() + " "
            + b.startMicros() / 1000 + "-" + bandEnd / 1000 + " ms");
      }
    }
    for (RunRecord.LeaderMark l : rows.leaders()) {
      int x = x(l.atMicros(), end);
      svg.append("<text class='lead' x='").append(x).append("' y='")
          .append(l.row() * LANE + 15).append("'>&#9733;T").append(l.term())
          .append("</text>");
    }
    RunRecord.BadOp badOp = rows.badOp();
    for (RunRecord.Span o : rows.ops()) {
      int row = laneOf.get(o.client());
      boolean bad = badOp != null && badOp.client() == o.client()
          && badOp.invokeMicros() == o.invokeMicros();
      rect(svg, x(o.invokeMicros(), end), row * LANE + 4, Math.max(2, x(o.completeMicros(),
          end) - x(o.invokeMicros(), end)), LANE - 8, o.outcome() + (bad ? " bad" : ""),
          o.f() + " " + (o.key() == null ? "" : o.key()) + " " + o.argument() + " -> "
              + o.result() + " [" + o.outcome() + "] node " + o.node() + ", "
              + o.invokeMicros() / 1000 + "-" + o.completeMicros() / 1000 + " ms");
    }
    svg.append("</svg>");
    return page(r, svg.toString());
  }

  private static String page(RunRecord r, String svg) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>")
        .append(escape(r.pageTitle())).append("</title><style>")
        .append("body{font-family:sans-serif;margin:16px}")
        .append("text{font-size:11px}.lane{fill:#333}.lead{fill:#b8860b}")
        .append(".ok{fill:#3a3}.fail{fill:#e67e22}.info{fill:#999}")
        .append(".bad{stroke:#d00;stroke-width:3}.band{fill:#c0392b;fill-opacity:.25}")
        .append(".phase{stroke:#36c;stroke-dasharray:4}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}")
        .append("</style></head><body>");
    h.append("<h1>Seed ").append(r.seed()).append(": ")
        .append(r.valid() ? "valid" : r.verdict().toUpperCase(java.util.Locale.ROOT))
        .append("</h1>");
    h.append("<p>").append(escape(r.replayCommand())).append("</p>");
    h.append("<p>Legend: <span style='color:#3a3'>ok</span>, <span style='color:#e67e22'>"
        + "fail</span>, <span style='color:#999'>unknown</span>; red bands: faults; "
        + "&#9733;Tn: leader elected in term n; red outline: the first operation a checker "
        + "could not place. Hover for details.</p>");
    h.append("<div style='overflow-x:auto'>").append(svg).append("</div>");
    h.append("<table><tr><th>checker</th><th>verdict</th><th>detail</th></tr>");
    r.findings().forEach(f -> h.append("<tr><td>").append(f.checker()).append("</td><td>")
        .append(f.valid() ? "ok" : "<b>VIOLATED</b>").append("</td><td>")
        .append(escape(f.detail())).append("</td></tr>"));
    h.append("</table><h2>Notes</h2><ul>");
    r.timeline().notes().forEach(n -> h.append("<li>").append(escape(n)).append("</li>"));
    h.append("</ul></body></html>\n");
    return h.toString();
  }

  private static int x(long micros, long end) {
    return LEFT + (int) (micros * WIDTH / end);
  }

  private static void label(StringBuilder svg, int row, String text) {
    svg.append("<text class='lane' x='4' y='").append(row * LANE + 15).append("'>")
        .append(escape(text)).append("</text>");
  }

  private static void phase(StringBuilder svg, long at, long end, int height, String text) {
    int x = x(at, end);
    svg.append("<line class='phase' x1='").append(x).append("' x2='").append(x)
        .append("' y1='0' y2='").append(height).append("'><title>").append(text)
        .append("</title></line>");
  }

  private static void rect(StringBuilder svg, int x, int y, int w, int h, String cls,
      String title) {
    svg.append("<rect class='").append(cls).append("' x='").append(x).append("' y='")
        .append(y).append("' width='").append(w).append("' height='").append(h)
        .append("'><title>").append(escape(title)).append("</title></rect>");
  }

  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("'", "&#39;").replace("\"", "&quot;");
  }
}
