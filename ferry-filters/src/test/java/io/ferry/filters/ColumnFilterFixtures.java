package io.ferry.filters;

import io.ferry.core.codec.ByteWriter;
import io.ferry.core.codec.RecordCodec;
import io.ferry.core.codec.RecordHeader;
import io.ferry.core.config.Setting;
import io.ferry.core.event.Change;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.SchemaView;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Transactions as the binlog extractor builds them, settings as the loader reads them, the THL. */
final class ColumnFilterFixtures {
  private ColumnFilterFixtures() {}

  static TransactionHeader header(long seqno, int fragno, boolean last, String shard) {
    return new TransactionHeader(
        seqno,
        3,
        fragno,
        last,
        new BinlogPosition("binlog.000007", 4000 + seqno * 10, new MariaDbGtid(0, 11, seqno)),
        "11",
        "east",
        shard,
        1_700_000_000_000_000L + seqno,
        1_700_000_000_100_000L + seqno,
        Map.of());
  }

  /** A whole (single-fragment) transaction. */
  static Transaction tx(String shard, Change... changes) {
    return new Transaction(header(42, 0, true, shard), List.of(changes));
  }

  /** One fragment of a larger transaction. */
  static Transaction fragment(int fragno, boolean last, String shard, Change... changes) {
    return new Transaction(header(43, fragno, last, shard), List.of(changes));
  }

  /** The transaction written to the THL encoding and read back. */
  static Transaction roundTrip(Transaction tx) {
    ByteWriter w = new ByteWriter(256);
    new RecordCodec().encode(tx, w);
    byte[] b = w.toByteArray();
    RecordHeader h = RecordCodec.header(b, 0);
    return (Transaction) RecordCodec.decode(b, 0, h);
  }

  /**
   * Settings read from {@code filter.<name>.<key> = text} lines as the configuration loader reads
   * them: each text parsed by its declared type (which throws on a bad value).
   */
  static FilterSettings settings(FilterFactory factory, String name, String... keyValues) {
    Map<String, Object> values = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      Setting<?> s = declared(factory, keyValues[i]);
      values.put(s.key(), s.type().parse(keyValues[i + 1]));
    }
    return new FilterSettings(name, factory.type(), null, values, Map.of());
  }

  static Setting<?> declared(FilterFactory factory, String key) {
    for (Setting<?> s : factory.settings()) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new AssertionError(factory.type() + " declares no setting " + key);
  }

  static FilterContext context(SchemaView view) {
    return new FilterContext("east", "master", FilterContext.Side.EXTRACT, view, Clock.systemUTC());
  }

  /**
   * Stands for the schema view a service gives its filters (the source's tables, read from its
   * information_schema): a fixed set of table definitions, and a record of what it was told to
   * forget. Not a database.
   */
  static final class FixedSchemaView implements SchemaView {
    private final Map<String, TableView> tables = new HashMap<>();
    final List<String> forgotten = new ArrayList<>();
    int lookups;

    FixedSchemaView table(String schema, String table, List<String> columns, List<String> key) {
      tables.put(schema + "." + table, new TableView(schema, table, columns, key));
      return this;
    }

    @Override
    public Optional<TableView> table(String schema, String table) {
      lookups++;
      return Optional.ofNullable(tables.get(schema + "." + table));
    }

    @Override
    public void forget(String schema, String table) {
      forgotten.add(schema + "." + (table == null ? "*" : table));
    }
  }
}
