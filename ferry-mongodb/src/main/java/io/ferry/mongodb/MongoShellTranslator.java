package io.ferry.mongodb;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.SourceTable;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ferry ddl translate --to mongodb}: a mongosh script that creates each table's collection
 * (database per schema, the default layout) and an index on the columns of each of its unique keys,
 * named and built as the applier builds them for a CREATE TABLE in the log (not unique: see
 * docs/targets/mongodb.md). For tables that existed before the service started, whose keys the
 * applier never sees. Columns whose values are not all of one BSON type, or spread over two fields,
 * are named in {@code //} comments. Stateless and thread-safe.
 */
public final class MongoShellTranslator implements SchemaTranslator {
  @Override
  public String dialect() {
    return "mongodb";
  }

  @Override
  public List<String> createTable(SourceTable t) {
    List<String> out = new ArrayList<>();
    String db = "db.getSiblingDB(" + quote(t.schema()) + ")";
    StringBuilder create = new StringBuilder();
    for (ColumnSpec c : t.columns()) {
      String note = note(c);
      if (note != null) {
        create.append("// ").append(c.name()).append(": ").append(note).append('\n');
      }
    }
    if (t.primaryKey().isEmpty()) {
      create.append(
          "// no primary key: the service stops at this table's first row (documents need an"
              + " _id); add one or filter the table out\n");
    }
    create.append(db).append(".createCollection(").append(quote(t.name())).append(')');
    out.add(create.toString());
    for (List<String> key : t.uniqueKeys()) {
      StringBuilder fields = new StringBuilder("{");
      for (int i = 0; i < key.size(); i++) {
        fields.append(i == 0 ? "" : ", ").append(quote(key.get(i))).append(": 1");
      }
      out.add(
          db
              + ".getCollection("
              + quote(t.name())
              + ").createIndex("
              + fields
              + "}, {name: "
              + quote("ferry_uk_" + String.join("_", key))
              + "})");
    }
    return out;
  }

  private static String note(ColumnSpec c) {
    if (BsonMapping.hasMicrosField(c)) {
      return "a date to the millisecond, the microseconds in the field "
          + c.name()
          + BsonMapping.MICROS_SUFFIX;
    }
    if (c.type() == SqlType.DECIMAL && c.length() > 34) {
      return "Decimal128 where the value has at most 34 significant digits, else its exact text";
    }
    if (c.type() == SqlType.BIGINT && c.unsigned()) {
      return "Int64, Decimal128 above 2^63-1";
    }
    if (c.type() == SqlType.DATE || c.type() == SqlType.DATETIME || c.type() == SqlType.TIMESTAMP) {
      return "a date; zero dates as strings ('0000-00-00')";
    }
    if (c.type() == SqlType.TIME) {
      return "a string like MariaDB shows it ('-838:59:59')";
    }
    return null;
  }

  static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
