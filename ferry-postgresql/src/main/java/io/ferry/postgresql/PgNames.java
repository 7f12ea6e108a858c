package io.ferry.postgresql;

/**
 * Where a source table goes in PostgreSQL: the schema of the same name by default, with a prefix,
 * or every table into one schema; the table keeps its name. Immutable.
 *
 * @param intoSchema the one schema every table goes to, or null
 * @param prefix prepended to the source schema's name (when {@code intoSchema} is null)
 */
public record PgNames(String intoSchema, String prefix) {
  public static final PgNames SAME = new PgNames(null, "");

  public PgNames {
    prefix = prefix == null ? "" : prefix;
    intoSchema = intoSchema == null || intoSchema.isEmpty() ? null : intoSchema;
  }

  /** The PostgreSQL schema of a source schema. */
  public String schema(String sourceSchema) {
    return intoSchema != null ? intoSchema : prefix + sourceSchema;
  }
}
