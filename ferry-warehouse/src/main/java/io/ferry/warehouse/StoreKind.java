package io.ferry.warehouse;

/**
 * What a store's column type is, as far as writing a value into it as CSV text goes. A dialect
 * classifies its type names ({@link WarehouseDialect#kind}); values are then written the way that
 * kind reads them, so tables the user created with other types than Ferry's still load exactly.
 */
public enum StoreKind {
  BOOLEAN,
  INTEGER,
  DECIMAL,
  FLOAT,
  TEXT,
  BINARY,
  DATE,
  TIMESTAMP,
  /** A point in time with a zone (DuckDB TIMESTAMPTZ, PostgreSQL timestamptz). */
  TIMESTAMP_TZ,
  TIME,
  INTERVAL,
  JSON,
  /** A bit string (DuckDB BIT, PostgreSQL bit/varbit). */
  BITS,
  /** Anything else: the value's text form. */
  OTHER
}
