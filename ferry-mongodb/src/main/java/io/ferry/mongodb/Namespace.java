package io.ferry.mongodb;

import io.ferry.core.target.TargetException;

/**
 * Where a source table's rows live: a database and a collection. Immutable.
 *
 * @param database the MongoDB database
 * @param collection the collection in it
 */
public record Namespace(String database, String collection) {

  /**
   * The namespace of a source table by the settings: database per schema ({@code schema} / {@code
   * table}) or one database ({@code target.database} / {@code schema.table}).
   */
  public static Namespace of(MongoSettings s, String schema, String table) {
    Namespace n =
        s.databasePerSchema()
            ? new Namespace(schema, table)
            : new Namespace(s.database(), schema + "." + table);
    n.check(schema + "." + table);
    return n;
  }

  private void check(String source) {
    if (database.isEmpty()
        || database.length() > 63
        || database.chars().anyMatch(c -> "/\\. \"$".indexOf(c) >= 0 || c == 0)) {
      throw new TargetException(
          "table "
              + source
              + " would go to the MongoDB database '"
              + database
              + "', which is not a valid database name (at most 63 characters, none of"
              + " / \\ . space \" $): set target.mongodb.database-per-schema = false and"
              + " target.database, or rename the schema with a filter");
    }
    if (collection.isEmpty() || collection.contains("$") || collection.startsWith("system.")) {
      throw new TargetException(
          "table "
              + source
              + " would be the MongoDB collection '"
              + collection
              + "', which is not a valid collection name (no $, not system.*): rename the table"
              + " with a filter");
    }
  }

  @Override
  public String toString() {
    return database + "." + collection;
  }
}
