package io.ferry.mysql.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The schemas and tables a schema history knows at one point of the binlog, and the operations that
 * change them. The operations are what the history stores, so replaying them rebuilds the catalog
 * without parsing the DDL again. Not thread-safe.
 */
public final class Catalog {
  /** One change to the catalog. */
  public sealed interface Op permits PutTable, DropTable, PutSchema, DropSchema {}

  /** A table created or changed (its whole new definition). */
  public record PutTable(TableDef table) implements Op {}

  /** A table dropped (or renamed away). */
  public record DropTable(String schema, String name) implements Op {}

  /** A schema created or its default character set changed. */
  public record PutSchema(String name, String defaultCharset) implements Op {}

  /** A schema dropped with its tables. */
  public record DropSchema(String name) implements Op {}

  private final Map<String, String> schemaCharsets = new TreeMap<>();
  private final Map<String, TableDef> tables = new TreeMap<>();
  private String serverCharset = "utf8mb4";

  public String serverCharset() {
    return serverCharset;
  }

  public void setServerCharset(String charset) {
    serverCharset = charset;
  }

  private static String key(String schema, String name) {
    return schema + "\u0000" + name;
  }

  public TableDef table(String schema, String name) {
    return tables.get(key(schema, name));
  }

  public boolean hasSchema(String name) {
    return schemaCharsets.containsKey(name);
  }

  /** A schema's default character set, or the server's. */
  public String schemaCharset(String schema) {
    return schemaCharsets.getOrDefault(schema, serverCharset);
  }

  public List<TableDef> tables() {
    return new ArrayList<>(tables.values());
  }

  public Map<String, String> schemas() {
    return Map.copyOf(schemaCharsets);
  }

  public void apply(Op op) {
    if (op instanceof PutTable p) {
      tables.put(key(p.table().schema(), p.table().name()), p.table());
    } else if (op instanceof DropTable d) {
      tables.remove(key(d.schema(), d.name()));
    } else if (op instanceof PutSchema s) {
      schemaCharsets.put(s.name(), s.defaultCharset());
    } else if (op instanceof DropSchema d) {
      schemaCharsets.remove(d.name());
      tables.values().removeIf(t -> t.schema().equals(d.name()));
    }
  }

  public void clear() {
    schemaCharsets.clear();
    tables.clear();
  }
}
