package io.ferry.kafka;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.ferry.core.event.Action;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ColumnMask;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.position.NativePosition;
import io.ferry.core.value.Values;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The messages Ferry writes to Kafka, as documented in docs/targets/kafka.md: a row change's key
 * ({@code {"schema":..,"table":..,"key":{..}}}) and JSON envelope, a DDL envelope, and the position
 * record. Field order is fixed, so equal changes make equal bytes. Not thread-safe (one per
 * applier: it reuses its buffer).
 */
final class Envelope {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** One message: its key and value bytes. */
  static final class Message {
    private final byte[] key;
    private final byte[] value;

    Message(byte[] key, byte[] value) {
      this.key = key;
      this.value = value;
    }

    byte[] key() {
      return key;
    }

    byte[] value() {
      return value;
    }
  }

  private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);

  /**
   * The messages of one changed row: one; two for an update that changes the key (a delete under
   * the old key, then an insert under the new, both marked {@code "keyUpdate":true}), so that every
   * key's messages stay in one partition and in order.
   *
   * @param rowIndex the row change's index within its transaction (the first of two for a key
   *     update)
   */
  List<Message> row(RowChanges rc, Row row, TransactionHeader h, int rowIndex) {
    List<ColumnSpec> cols = rc.columns();
    boolean keyed = cols.stream().anyMatch(ColumnSpec::key);
    if (rc.action() == Action.UPDATE && keyed && keyChanged(rc, row)) {
      return List.of(
          new Message(key(rc, row, true), value("delete", rc, row, true, false, h, rowIndex, true)),
          new Message(
              key(rc, row, false), value("insert", rc, row, false, true, h, rowIndex + 1, true)));
    }
    boolean beforeKey = rc.action() != Action.INSERT;
    String op = rc.action().name().toLowerCase(java.util.Locale.ROOT);
    return List.of(
        new Message(
            key(rc, row, beforeKey),
            value(
                op,
                rc,
                row,
                rc.action() != Action.INSERT,
                rc.action() != Action.DELETE,
                h,
                rowIndex,
                false)));
  }

  /** Whether an update's after image carries a key column with another value than before. */
  private static boolean keyChanged(RowChanges rc, Row row) {
    for (int i = 0; i < rc.columns().size(); i++) {
      if (rc.columns().get(i).key()
          && rc.afterColumns().contains(i)
          && rc.beforeColumns().contains(i)
          && !Values.equal(row.before(i), row.after(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The key: schema, table and the key columns' values in table order (from the before image, or
   * the after image for inserts and the new side of a key update); a table without a key is keyed
   * by schema and table alone, so its changes share one partition, in order.
   */
  byte[] key(RowChanges rc, Row row, boolean fromBefore) {
    try (JsonGenerator g = generator()) {
      g.writeStartObject();
      g.writeStringField("schema", rc.schema());
      g.writeStringField("table", rc.table());
      List<ColumnSpec> cols = rc.columns();
      boolean started = false;
      for (int i = 0; i < cols.size(); i++) {
        ColumnSpec c = cols.get(i);
        if (!c.key()) {
          continue;
        }
        if (!started) {
          g.writeObjectFieldStart("key");
          started = true;
        }
        g.writeFieldName(c.displayName(i));
        Object v = keyValue(rc, row, i, fromBefore);
        JsonValues.write(g, c, v);
      }
      if (started) {
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return take();
  }

  /** A key column's value: from the chosen image, or the other one when that does not carry it. */
  private static Object keyValue(RowChanges rc, Row row, int i, boolean fromBefore) {
    if (fromBefore) {
      return rc.beforeColumns().contains(i) || !row.hasAfter() ? row.before(i) : row.after(i);
    }
    return rc.afterColumns().contains(i) || !row.hasBefore() ? row.after(i) : row.before(i);
  }

  private byte[] value(
      String op,
      RowChanges rc,
      Row row,
      boolean withBefore,
      boolean withAfter,
      TransactionHeader h,
      int rowIndex,
      boolean keyUpdate) {
    try (JsonGenerator g = generator()) {
      g.writeStartObject();
      g.writeStringField("op", op);
      g.writeStringField("schema", rc.schema());
      g.writeStringField("table", rc.table());
      g.writeArrayFieldStart("key");
      for (int i = 0; i < rc.columns().size(); i++) {
        if (rc.columns().get(i).key()) {
          g.writeString(rc.columns().get(i).displayName(i));
        }
      }
      g.writeEndArray();
      g.writeFieldName("before");
      image(g, rc.columns(), withBefore ? rc.beforeColumns() : null, row, true);
      g.writeFieldName("after");
      image(g, rc.columns(), withAfter ? rc.afterColumns() : null, row, false);
      if (keyUpdate) {
        g.writeBooleanField("keyUpdate", true);
      }
      g.writeNumberField("row", rowIndex);
      source(g, h);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return take();
  }

  private static void image(
      JsonGenerator g, List<ColumnSpec> cols, ColumnMask mask, Row row, boolean before)
      throws IOException {
    if (mask == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    for (int i = 0; i < cols.size(); i++) {
      if (mask.contains(i)) {
        g.writeFieldName(cols.get(i).displayName(i));
        JsonValues.write(g, cols.get(i), before ? row.before(i) : row.after(i));
      }
    }
    g.writeEndObject();
  }

  /** The transaction's facts every message carries. */
  private static void source(JsonGenerator g, TransactionHeader h) throws IOException {
    g.writeNumberField("seqno", h.seqno());
    g.writeNumberField("fragno", h.fragno());
    g.writeNumberField("epoch", h.epoch());
    position(g, h.nativePosition());
    g.writeStringField("sourceId", h.sourceId());
    g.writeStringField("origin", h.originService());
    g.writeFieldName("commitTime");
    if (h.sourceCommitMicros() > 0) {
      g.writeString(isoMicros(h.sourceCommitMicros()));
    } else {
      g.writeNull();
    }
  }

  private static void position(JsonGenerator g, NativePosition p) throws IOException {
    g.writeFieldName("position");
    if (p == null) {
      g.writeNull();
      return;
    }
    g.writeStartObject();
    g.writeStringField("kind", p.kind());
    g.writeStringField("text", p.text());
    g.writeEndObject();
  }

  static String isoMicros(long micros) {
    return Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
        .toString();
  }

  /** The key of a DDL message: the schema it ran in. */
  byte[] ddlKey(String schema) {
    try (JsonGenerator g = generator()) {
      g.writeStartObject();
      g.writeStringField("schema", schema);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return take();
  }

  /** A DDL statement's envelope. */
  byte[] ddl(String schema, String statement, String kind, TransactionHeader h, int index) {
    try (JsonGenerator g = generator()) {
      g.writeStartObject();
      g.writeStringField("op", "ddl");
      g.writeStringField("schema", schema);
      g.writeStringField("statement", statement);
      g.writeStringField("kind", kind);
      g.writeNumberField("row", index);
      source(g, h);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return take();
  }

  /** The position record: the last committed event, and when. */
  byte[] position(String service, Checkpoint c, long nowMillis) {
    try (JsonGenerator g = generator()) {
      g.writeStartObject();
      g.writeStringField("service", service);
      g.writeNumberField("seqno", c.seqno());
      g.writeNumberField("epoch", c.epoch());
      g.writeNumberField("fragno", c.fragno());
      g.writeBooleanField("lastFrag", c.lastFrag());
      position(g, c.nativePosition());
      g.writeNumberField("commitMicros", c.sourceCommitMicros());
      g.writeStringField("committedAt", Instant.ofEpochMilli(nowMillis).toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return take();
  }

  /** Reads a position record back. */
  static Checkpoint readPosition(byte[] value) {
    try {
      com.fasterxml.jackson.databind.JsonNode n =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
      com.fasterxml.jackson.databind.JsonNode p = n.get("position");
      NativePosition pos =
          p == null || p.isNull()
              ? null
              : NativePosition.parse(p.get("kind").asText(), p.get("text").asText());
      return new Checkpoint(
          n.get("seqno").asLong(),
          n.get("epoch").asLong(),
          n.get("fragno").asInt(),
          n.get("lastFrag").asBoolean(),
          pos,
          n.get("commitMicros").asLong());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "a position record that is not Ferry's: "
              + new String(value, java.nio.charset.StandardCharsets.UTF_8),
          e);
    }
  }

  private JsonGenerator generator() throws IOException {
    buffer.reset();
    return FACTORY.createGenerator(buffer, JsonEncoding.UTF8);
  }

  private byte[] take() {
    byte[] out = buffer.toByteArray();
    buffer.reset();
    return out;
  }
}
