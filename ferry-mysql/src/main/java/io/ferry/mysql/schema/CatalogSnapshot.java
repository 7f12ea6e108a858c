package io.ferry.mysql.schema;

import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the source's current catalog for a schema history: each schema's default character set and
 * each table's {@code SHOW CREATE TABLE}, understood by the same parser as the binlog's DDL.
 */
public final class CatalogSnapshot implements SchemaHistory.SnapshotSource {
  private static final Set<String> SYSTEM =
      Set.of("mysql", "information_schema", "performance_schema", "sys");

  private final SourceSettings source;

  public CatalogSnapshot(SourceSettings source) {
    this.source = source;
  }

  @Override
  public SchemaHistory.Entry take(BinlogPosition at) {
    Catalog scratch = new Catalog();
    try (Connection c = SourceProbe.connect(source);
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT @@character_set_server")) {
        rs.next();
        scratch.setServerCharset(rs.getString(1));
      }
      DdlParser local = new DdlParser(scratch, name -> null);
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA")) {
        while (rs.next()) {
          if (!SYSTEM.contains(rs.getString(1))) {
            scratch.apply(new Catalog.PutSchema(rs.getString(1), rs.getString(2)));
          }
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES"
                  + " WHERE TABLE_TYPE = 'BASE TABLE'")) {
        while (rs.next()) {
          if (!SYSTEM.contains(rs.getString(1))) {
            tables.add(new String[] {rs.getString(1), rs.getString(2)});
          }
        }
      }
      for (String[] t : tables) {
        try (ResultSet rs =
            st.executeQuery(
                "SHOW CREATE TABLE `"
                    + t[0].replace("`", "``")
                    + "`.`"
                    + t[1].replace("`", "``")
                    + "`")) {
          rs.next();
          local.apply(t[0], rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new SourceException(
          "cannot read the catalog of the source at "
              + source.address()
              + " for the schema history: "
              + e.getMessage(),
          false,
          e);
    } catch (DdlException e) {
      throw new SchemaHistoryException(
          "cannot understand a table definition of the source at "
              + source.address()
              + " for the schema history: "
              + e.getMessage());
    }
    return SchemaHistory.snapshotEntry(at, scratch);
  }
}
