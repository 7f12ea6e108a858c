package io.ferry.cli.thl;

import io.ferry.core.codec.RecordHeader;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Gap;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.core.value.Bits;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records as JSON documents (one per line with {@code --json}). Values: numbers stay exact numbers
 * (unsigned 64-bit and DECIMAL included), character data is a string, binary data is {@code {"hex":
 * "..."}}, temporal values are strings, TIMESTAMP in UTC.
 */
public final class EventJson {
  private EventJson() {}

  static Map<String, Object> header(ThlRecord rec) {
    RecordHeader h = rec.header();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("seqno", h.seqno());
    if (h.isGap()) {
      doc.put("type", "gap");
      doc.put("lastSeqno", h.lastSeqno());
    } else {
      doc.put("type", "transaction");
      doc.put("fragno", h.fragno());
      doc.put("lastFrag", h.lastFrag());
      doc.put("shard", h.shard());
      doc.put("originService", h.originService());
    }
    doc.put("epoch", h.epoch());
    doc.put("sourceCommitTime", Times.micros(h.sourceCommitMicros()));
    if (!h.nativeKind().isEmpty()) {
      doc.put("nativePosition", Map.of("kind", h.nativeKind(), "text", h.nativeText()));
    }
    doc.put("file", rec.file().getFileName().toString());
    doc.put("offset", rec.offset());
    doc.put("bytes", rec.length());
    return doc;
  }

  static Map<String, Object> full(ThlRecord rec) {
    return body(header(rec), rec.event());
  }

  /** An event that is not stored as it is (a filter's output): its header fields and body. */
  public static Map<String, Object> event(ReplEvent event) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("seqno", event.seqno());
    if (event instanceof Gap g) {
      doc.put("type", "gap");
      doc.put("lastSeqno", g.toSeqno());
    } else {
      TransactionHeader h = ((Transaction) event).header();
      doc.put("type", "transaction");
      doc.put("fragno", h.fragno());
      doc.put("lastFrag", h.lastFrag());
      doc.put("shard", h.shard());
      doc.put("originService", h.originService());
      doc.put("sourceCommitTime", Times.micros(h.sourceCommitMicros()));
    }
    doc.put("epoch", event.epoch());
    return body(doc, event);
  }

  private static Map<String, Object> body(Map<String, Object> doc, ReplEvent event) {
    if (event instanceof Gap g) {
      doc.put("reason", g.reason());
      return doc;
    }
    TransactionHeader h = ((Transaction) event).header();
    doc.put("sourceId", h.sourceId());
    doc.put("extractTime", Times.micros(h.extractMicros()));
    doc.put("options", h.options());
    List<Object> changes = new ArrayList<>();
    for (Change c : ((Transaction) event).changes()) {
      changes.add(change(c));
    }
    doc.put("changes", changes);
    return doc;
  }

  private static Map<String, Object> change(Change c) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (c instanceof RowsQuery q) {
      doc.put("type", "rowsQuery");
      doc.put("text", q.text());
    } else if (c instanceof SqlStatement st) {
      doc.put("type", "statement");
      doc.put("defaultSchema", st.defaultSchema());
      doc.put("sql", st.text());
      doc.put("charset", st.charset());
      Map<String, Object> session = new LinkedHashMap<>();
      for (SessionVariable v : st.session()) {
        session.put(v.name(), value(v.value()));
      }
      doc.put("session", session);
    } else if (c instanceof RowChanges rc) {
      doc.put("type", "rows");
      doc.put("schema", rc.schema());
      doc.put("table", rc.table());
      doc.put("action", rc.action().name());
      doc.put("image", rc.image().name());
      List<Object> columns = new ArrayList<>();
      for (ColumnSpec col : rc.columns()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", col.name());
        m.put("type", col.type().name());
        if (col.typeName() != null) {
          m.put("typeName", col.typeName());
        }
        m.put("unsigned", col.unsigned());
        m.put("nullable", col.nullable());
        m.put("key", col.key());
        if (col.charset() != null) {
          m.put("charset", col.charset());
        }
        columns.add(m);
      }
      doc.put("columns", columns);
      List<Object> rows = new ArrayList<>();
      for (Row row : rc.rows()) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (row.hasBefore()) {
          r.put("before", image(rc, row, true));
        }
        if (row.hasAfter()) {
          r.put("after", image(rc, row, false));
        }
        rows.add(r);
      }
      doc.put("rows", rows);
    }
    return doc;
  }

  private static Map<String, Object> image(RowChanges rc, Row row, boolean before) {
    Map<String, Object> image = new LinkedHashMap<>();
    for (int i = 0; i < rc.columns().size(); i++) {
      boolean present = before ? rc.beforeColumns().contains(i) : rc.afterColumns().contains(i);
      if (present) {
        image.put(rc.columns().get(i).displayName(i), value(before ? row.before(i) : row.after(i)));
      }
    }
    return image;
  }

  static Object value(Object v) {
    if (v == null
        || v instanceof Long
        || v instanceof BigInteger
        || v instanceof BigDecimal
        || v instanceof String) {
      return v;
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : d;
    }
    if (v instanceof Float f) {
      return f.isNaN() || f.isInfinite() ? f.toString() : f;
    }
    if (v instanceof Text t) {
      return t.toString();
    }
    if (v instanceof byte[] b) {
      return Map.of("hex", HexFormat.of().formatHex(b));
    }
    if (v instanceof Geometry g) {
      return Map.of("hex", HexFormat.of().formatHex(g.unsafeBytes()));
    }
    if (v instanceof Bits b) {
      return Map.of("bits", b.toString());
    }
    if (v instanceof SqlTimestamp ts) {
      return ts.utcText();
    }
    if (v instanceof JsonValue j) {
      return j.json();
    }
    return v.toString();
  }
}
