package io.ferry.scripting;

import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Transactions built the way the extractor builds them, and filters made from scripts. */
final class Fixtures {
  static final Path SAMPLES = Path.of("samples");

  private Fixtures() {}

  static TransactionHeader header(long seqno, String origin, String shard) {
    return new TransactionHeader(
        seqno,
        1,
        0,
        true,
        BinlogPosition.parse("mysql-bin.000003:4711"),
        "11",
        origin,
        shard,
        1_700_000_000_123_456L,
        1_700_000_001_000_000L,
        Map.of("commit.required", "false"));
  }

  static ColumnSpec col(String name, SqlType type) {
    return ColumnSpec.of(name, type);
  }

  static ColumnSpec text(String name) {
    return ColumnSpec.of(name, SqlType.VARCHAR).withCharset("utf8mb4");
  }

  static ColumnSpec key(String name) {
    return ColumnSpec.of(name, SqlType.INT).asKey();
  }

  /** Inserts of (id, email, status) rows into shop.customers. */
  static RowChanges customers(Object[]... rows) {
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(Row.insert(r));
    }
    return RowChanges.full(
        "shop",
        "customers",
        Action.INSERT,
        List.of(key("id"), text("email"), text("status")),
        list);
  }

  static Object[] customer(long id, String email, String status) {
    return new Object[] {id, Text.of(email), Text.of(status)};
  }

  static Transaction tx(long seqno, Change... changes) {
    return new Transaction(header(seqno, "east", "shop"), List.of(changes));
  }

  static SqlStatement stmt(String sql) {
    return SqlStatement.of(sql, "shop", List.of());
  }

  static Path write(Path dir, String name, String source) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, source);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FilterSettings settings(String type, Path script, String... params) {
    FilterSettings s = FilterSettings.defaults("f1", type).with(ScriptFilterFactory.SCRIPT, script);
    for (int i = 0; i < params.length; i += 2) {
      s = s.withParam(params[i], params[i + 1]);
    }
    return s;
  }

  static ScriptFilterFactory factory(String type) {
    return type.equals("lua") ? new LuaFilterFactory() : new JavaScriptFilterFactory();
  }

  static Filter filter(String type, Path script, String... params) {
    Filter f = factory(type).create(settings(type, script, params));
    f.prepare(FilterContext.offline("svc", FilterContext.Side.EXTRACT));
    return f;
  }

  /** A sample script by name, in the language's folder. */
  static Filter sample(String type, String name, String... params) {
    String ext = type.equals("lua") ? "lua" : "js";
    return filter(type, SAMPLES.resolve(ext).resolve(name + "." + ext), params);
  }
}
