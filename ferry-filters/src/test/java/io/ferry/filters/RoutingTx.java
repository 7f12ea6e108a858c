package io.ferry.filters;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.Shards;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.NativePosition;
import io.ferry.core.value.Text;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Transactions built the way the binlog extractor builds them, for the routing filter tests. */
final class RoutingTx {
  private RoutingTx() {}

  /** id BIGINT key, name VARCHAR utf8mb4. */
  static final List<ColumnSpec> COLUMNS =
      List.of(
          ColumnSpec.of("id", SqlType.BIGINT).asKey(),
          ColumnSpec.of("name", SqlType.VARCHAR).withCharset("utf8mb4"));

  static final List<SessionVariable> SESSION =
      List.of(
          new SessionVariable("timestamp", 1_714_566_896L),
          new SessionVariable("pseudo_thread_id", 7L));

  static NativePosition position(long seqno, long domain) {
    return new BinlogPosition("binlog.000001", 1000 + seqno, new MariaDbGtid(domain, 1, seqno));
  }

  static TransactionHeader header(long seqno, String shard) {
    return new TransactionHeader(
        seqno,
        1,
        0,
        true,
        position(seqno, 0),
        "1",
        "east",
        shard,
        1_714_566_896_000_000L,
        1_714_566_896_100_000L,
        Map.of());
  }

  /** One fragment, last, the shard the extractor gives: the one schema changed, or global. */
  static Transaction tx(long seqno, Change... changes) {
    Set<String> schemas = new LinkedHashSet<>();
    for (Change c : changes) {
      if (c instanceof RowChanges rc) {
        schemas.add(rc.schema());
      } else if (c instanceof SqlStatement s) {
        schemas.add(s.defaultSchema() == null ? Shards.GLOBAL : s.defaultSchema());
      }
    }
    String shard = schemas.size() == 1 ? schemas.iterator().next() : Shards.GLOBAL;
    return new Transaction(header(seqno, shard), Arrays.asList(changes));
  }

  static Transaction heartbeat(long seqno, String name) {
    return new Transaction(
        header(seqno, Shards.GLOBAL).withOption(TransactionOptions.HEARTBEAT, name), List.of());
  }

  static Row row(long id, String name) {
    return Row.insert(id, name == null ? null : Text.of(name));
  }

  static RowChanges insert(String schema, String table, Row... rows) {
    return RowChanges.full(schema, table, Action.INSERT, COLUMNS, List.of(rows));
  }

  static RowChanges insert(String schema, String table) {
    return insert(schema, table, row(1, "one"));
  }

  static SqlStatement sql(String defaultSchema, String text) {
    return SqlStatement.of(text, defaultSchema, SESSION);
  }

  static RowsQuery annotation(String text) {
    return new RowsQuery(text);
  }
}
