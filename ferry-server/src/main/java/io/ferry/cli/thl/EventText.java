package io.ferry.cli.thl;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.core.value.Charsets;
import io.ferry.core.value.Values;
import io.ferry.mysql.sql.StatementClassifier;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints records for people: one block per record, or one line per record (headers only). */
public final class EventText {
  private EventText() {}

  static void headerLine(PrintWriter out, ThlRecord rec) {
    RecordHeader h = rec.header();
    out.printf(
        "%-10s %5s %-4s %6d  %-20s %-14s %-26s %s  %s:%d (%d bytes)%n",
        h.isGap() ? h.seqno() + "-" + h.lastSeqno() : Long.toString(h.seqno()),
        h.isGap() ? "gap" : Integer.toString(h.fragno()),
        h.lastFrag() ? "last" : "",
        h.epoch(),
        h.isGap() ? "-" : h.shard(),
        h.originService().isEmpty() ? "-" : h.originService(),
        Times.micros(h.sourceCommitMicros()),
        h.nativeKind().isEmpty() ? "-" : h.nativeKind() + " " + h.nativeText(),
        rec.file().getFileName(),
        rec.offset(),
        rec.length());
  }

  static void headerTitle(PrintWriter out) {
    out.printf(
        "%-10s %5s %-4s %6s  %-20s %-14s %-26s %s  %s%n",
        "SEQNO",
        "FRAG",
        "",
        "EPOCH",
        "SHARD",
        "ORIGIN",
        "SOURCE COMMIT (UTC)",
        "NATIVE POSITION",
        "FILE:OFFSET");
  }

  static void block(PrintWriter out, ThlRecord rec) {
    block(out, rec.event(), rec.file().getFileName() + " byte " + rec.offset());
  }

  /** One event in full; {@code location} says where it is stored, or is null. */
  public static void block(PrintWriter out, ReplEvent event, String location) {
    if (event instanceof Gap g) {
      out.printf("SEQ# %d..%d  GAP  EPOCH# %d%n", g.seqno(), g.toSeqno(), g.epoch());
      out.printf("- REASON     %s%n", g.reason());
      position(out, g.nativePosition(), location);
      out.println();
      return;
    }
    Transaction tx = (Transaction) event;
    TransactionHeader h = tx.header();
    out.printf(
        "SEQ# %d / FRAG# %d%s  EPOCH# %d%n",
        h.seqno(), h.fragno(), h.lastFrag() ? " (last)" : "", h.epoch());
    out.printf(
        "- TIME       %s UTC source commit, %s UTC extracted%n",
        Times.micros(h.sourceCommitMicros()), Times.micros(h.extractMicros()));
    position(out, h.nativePosition(), location);
    out.printf(
        "- SOURCE     %s  ORIGIN %s  SHARD %s%n",
        h.sourceId().isEmpty() ? "-" : h.sourceId(),
        h.originService().isEmpty() ? "-" : h.originService(),
        h.shard());
    if (!h.options().isEmpty()) {
      out.printf("- OPTIONS    %s%n", options(h.options()));
    }
    List<Change> changes = tx.changes();
    for (int i = 0; i < changes.size(); i++) {
      Change c = changes.get(i);
      if (c instanceof RowsQuery q) {
        out.printf("- QUERY(%d)   %s%n", i, oneLine(q.text()));
      } else if (c instanceof SqlStatement st) {
        out.printf(
            "- SQL(%d)     (%s) %s%s%n",
            i,
            StatementClassifier.classify(st.unsafeSql(), Charsets.forSqlName(st.charset())).label(),
            st.defaultSchema() == null ? "" : "[" + st.defaultSchema() + "] ",
            oneLine(st.text()));
        if (!st.session().isEmpty()) {
          out.printf(
              "             session: %s%n",
              st.session().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
      } else if (c instanceof RowChanges rc) {
        rows(out, i, rc);
      }
    }
    out.println();
  }

  private static void position(
      PrintWriter out, io.ferry.core.position.NativePosition p, String location) {
    out.printf(
        "- POSITION   %s%s%n",
        p == null ? "-" : p.kind() + " " + p.text(),
        location == null ? "" : "   (" + location + ")");
  }

  private static void rows(PrintWriter out, int index, RowChanges rc) {
    out.printf(
        "- ROWS(%d)    %s.%s %s, %d row%s, %d columns, %s image%n",
        index,
        rc.schema(),
        rc.table(),
        rc.action(),
        rc.rows().size(),
        rc.rows().size() == 1 ? "" : "s",
        rc.columns().size(),
        rc.image());
    List<ColumnSpec> cols = rc.columns();
    int n = 0;
    for (Row row : rc.rows()) {
      n++;
      if (row.hasBefore()) {
        out.printf("    row %d before: %s%n", n, image(cols, rc.beforeColumns(), row, true));
      }
      if (row.hasAfter()) {
        out.printf("    row %d after:  %s%n", n, image(cols, rc.afterColumns(), row, false));
      }
    }
  }

  private static String image(
      List<ColumnSpec> cols, io.ferry.core.event.ColumnMask mask, Row row, boolean before) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cols.size(); i++) {
      if (!mask.contains(i)) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(cols.get(i).displayName(i))
          .append('=')
          .append(Values.display(before ? row.before(i) : row.after(i)));
    }
    return sb.toString();
  }

  private static String options(Map<String, String> options) {
    return options.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String oneLine(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() > 500 ? t.substring(0, 500) + " ..." : t;
  }
}
