package io.ferry.core.target;

import java.util.List;

/**
 * Writes a target dialect's DDL for source tables, by the documented type mapping
 * (docs/type-mapping.md). Stateless and thread-safe.
 */
public interface SchemaTranslator {
  /** The dialect's name, as {@code ferry ddl translate --to} takes it. */
  String dialect();

  /**
   * The statements that create the table (and its keys) on the target, in order; each a complete
   * statement without a trailing semicolon. Columns whose type converts with a loss say so in a
   * {@code COMMENT}/{@code --} line where the dialect has one.
   */
  List<String> createTable(SourceTable table);

  /**
   * Runs translated statements on a target written as an address of this dialect ({@code ferry ddl
   * translate --apply}), in one transaction where the target has them, and says what it did; a
   * {@link TargetException} names what failed (nothing is changed then, where the target has
   * transactions).
   */
  default String apply(String address, List<String> statements) {
    throw new TargetException(
        "the "
            + dialect()
            + " translator cannot apply its statements itself: print them (without --apply) and"
            + " run them with the target's own client");
  }

  /** The statement that creates a schema (namespace) the tables go into, or null if none. */
  default String createSchema(String schema) {
    return null;
  }
}
