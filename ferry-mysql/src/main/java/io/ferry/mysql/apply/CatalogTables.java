package io.ferry.mysql.apply;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tables are Ferry's own catalog ({@code ferry_<service>.position} and the like). A target
 * that logs what Ferry applies (a hub, a relay) logs its catalog writes too (the position in the
 * same transactions as the data, the origins on their own); a binlog reader passes over them, so
 * that one service's catalog never travels to another site's target (where it would collide with
 * that site's own rows). Stateless.
 */
public final class CatalogTables {
  private CatalogTables() {}

  /** The catalog's table names, in every {@code ferry_<service>} schema. */
  public static final Set<String> NAMES =
      Set.of("position", "heartbeat", "channels", "shard", "conflicts", "origins", "checks");

  private static final Pattern CREATE =
      Pattern.compile(
          "\\s*CREATE\\s+TABLE\\s+IF\\s+NOT\\s+EXISTS\\s+`(ferry_[^`]+)`\\s*\\.\\s*`?([A-Za-z_]+)`?"
              + "\\s*\\(.*",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /**
   * The tables of a service's own schema on its source: named heartbeats, check markers, and the
   * copies a repair writes rows through ({@code repair_} and hex).
   */
  private static final Pattern SERVICE_TABLE =
      Pattern.compile(
          "`?ferry_[A-Za-z0-9_$]+`?\\s*\\.\\s*`?(heartbeat|check_marker|repair_[0-9a-f]+)\\b",
          Pattern.CASE_INSENSITIVE);

  /** Whether a table is a catalog table, or a service's own table on a source. */
  public static boolean isCatalog(String schema, String table) {
    if (schema == null || table == null || !schema.startsWith("ferry_")) {
      return false;
    }
    String t = table.toLowerCase(Locale.ROOT);
    return NAMES.contains(t) || t.equals("check_marker") || t.matches("repair_[0-9a-f]+");
  }

  /**
   * Whether a statement names a table of a service's own schema on a source (its DDL, or DML logged
   * as a statement): such statements are never replicated.
   */
  public static boolean namesServiceTable(String sql) {
    return sql != null && SERVICE_TABLE.matcher(sql).find();
  }

  /** Whether a DDL statement is the creation of a catalog table, as the applier writes it. */
  public static boolean createsCatalogTable(String ddl) {
    Matcher m = CREATE.matcher(ddl);
    return m.matches() && isCatalog(m.group(1), m.group(2));
  }
}
