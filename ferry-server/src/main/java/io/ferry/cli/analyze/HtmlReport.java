package io.ferry.cli.analyze;

import java.util.List;
import java.util.Map;

/**
 * The analysis report as one self-contained HTML page (no script, no external resource): the
 * summary, a chart of transactions and row changes per second drawn as inline SVG, and the tables
 * of the text report. Stateless.
 */
final class HtmlReport {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 220;

  private HtmlReport() {}

  @SuppressWarnings("unchecked")
  static String of(Map<String, Object> r) {
    Map<String, Object> s = (Map<String, Object>) r.get("summary");
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Ferry analysis: ")
        .append(esc(r.get("source")))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#1b1b1b}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
        .append("th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append("h2{margin-top:1.5em}svg{max-width:100%;height:auto}")
        .append(".warn{color:#8a1c00;font-weight:600}</style></head><body>\n");
    b.append("<h1>What is in ").append(esc(r.get("source"))).append("</h1>\n");
    b.append("<table id=\"summary\">");
    for (Map.Entry<String, Object> e : s.entrySet()) {
      row(b, e.getKey(), e.getValue());
    }
    b.append("</table>\n");
    b.append("<h2>Per second</h2>\n");
    chart(b, (List<Map<String, Object>>) r.get("perSecond"));
    b.append("<h2>Events by kind</h2>\n<table id=\"events\">");
    ((Map<String, Object>) r.get("events")).forEach((k, v) -> row(b, k, v));
    b.append("</table>\n<h2>Statements by kind</h2>\n<table id=\"statements\">");
    ((Map<String, Object>) r.get("statements")).forEach((k, v) -> row(b, k, v));
    b.append("</table>\n");
    list(
        b,
        "Tables",
        "tables",
        (List<Map<String, Object>>) r.get("tables"),
        "table",
        "inserted",
        "updated",
        "deleted",
        "bytes",
        "transactions",
        "hasKey");
    list(
        b,
        "Largest transactions",
        "largest-transactions",
        (List<Map<String, Object>>) r.get("largestTransactions"),
        "bytes",
        "rows",
        "at",
        "what");
    list(
        b,
        "Largest events",
        "largest-events",
        (List<Map<String, Object>>) r.get("largestEvents"),
        "bytes",
        "rows",
        "at",
        "what");
    list(
        b,
        "What hurts replication",
        "hurts",
        (List<Map<String, Object>>) r.get("hurtsReplication"),
        "what",
        "count",
        "first");
    Map<String, Object> p = (Map<String, Object>) r.get("parallelism");
    b.append("<h2>Parallelism</h2>\n<table id=\"parallelism\">");
    ((Map<String, Object>) p.get("shard")).forEach((k, v) -> row(b, "shard " + k, v));
    ((Map<String, Object>) p.get("key")).forEach((k, v) -> row(b, "key " + k, v));
    b.append("</table>\n<p>").append(esc(p.get("meaning"))).append("</p>\n");
    b.append("</body></html>\n");
    return b.toString();
  }

  /** Transactions per second as bars, row changes per second as a line, on one time axis. */
  private static void chart(StringBuilder b, List<Map<String, Object>> series) {
    if (series.isEmpty()) {
      b.append("<p>No commit times.</p>\n");
      return;
    }
    long first = num(series.get(0).get("second"));
    long last = num(series.get(series.size() - 1).get("second"));
    long seconds = last - first + 1;
    long maxTx = 1;
    long maxRows = 1;
    for (Map<String, Object> m : series) {
      maxTx = Math.max(maxTx, num(m.get("transactions")));
      maxRows = Math.max(maxRows, num(m.get("rowChanges")));
    }
    double w = (double) WIDTH / seconds;
    b.append("<svg id=\"chart\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT + 20)
        .append("\" aria-label=\"transactions per second (bars, peak ")
        .append(maxTx)
        .append(") and row changes per second (line, peak ")
        .append(maxRows)
        .append(") over ")
        .append(seconds)
        .append(" s\"><g fill=\"#4a7ab5\">");
    StringBuilder line = new StringBuilder();
    for (Map<String, Object> m : series) {
      double x = (num(m.get("second")) - first) * w;
      double h = HEIGHT * (double) num(m.get("transactions")) / maxTx;
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
              x,
              HEIGHT - h,
              Math.max(0.5, w * 0.9),
              h));
      double y = HEIGHT - HEIGHT * (double) num(m.get("rowChanges")) / maxRows;
      line.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x + w / 2, y));
    }
    b.append("</g><polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\" points=\"")
        .append(line.toString().trim())
        .append("\"/>")
        .append("<text x=\"0\" y=\"")
        .append(HEIGHT + 16)
        .append("\" font-size=\"12\">0 s</text><text x=\"")
        .append(WIDTH)
        .append("\" y=\"")
        .append(HEIGHT + 16)
        .append("\" font-size=\"12\" text-anchor=\"end\">")
        .append(seconds)
        .append(" s</text></svg>\n<p>Bars: transactions per second (peak ")
        .append(maxTx)
        .append("). Line: row changes per second (peak ")
        .append(maxRows)
        .append(").</p>\n");
  }

  private static void list(
      StringBuilder b, String title, String id, List<Map<String, Object>> rows, String... cols) {
    b.append("<h2>").append(esc(title)).append("</h2>\n");
    if (rows.isEmpty()) {
      b.append("<p>None.</p>\n");
      return;
    }
    b.append("<table id=\"").append(id).append("\"><tr>");
    for (String c : cols) {
      b.append("<th scope=\"col\">").append(esc(c)).append("</th>");
    }
    b.append("</tr>");
    for (Map<String, Object> r : rows) {
      b.append("<tr>");
      for (String c : cols) {
        cell(b, r.get(c));
      }
      b.append("</tr>");
    }
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String key, Object value) {
    b.append("<tr><th scope=\"row\">").append(esc(key)).append("</th>");
    cell(b, value);
    b.append("</tr>");
  }

  private static void cell(StringBuilder b, Object v) {
    String text;
    if (v instanceof Double || v instanceof Float) {
      text = String.format(java.util.Locale.ROOT, "%,.1f", ((Number) v).doubleValue());
    } else if (v instanceof Number n) {
      text = String.format(java.util.Locale.ROOT, "%,d", n.longValue());
    } else {
      text = null;
    }
    b.append(text != null ? "<td class=\"n\">" : "<td>")
        .append(text != null ? text.replace(",", "&#8239;") : esc(v))
        .append("</td>");
  }

  private static long num(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }

  private static String esc(Object o) {
    if (o == null) {
      return "-";
    }
    String s = o.toString();
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
