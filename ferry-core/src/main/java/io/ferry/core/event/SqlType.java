package io.ferry.core.event;

/**
 * The SQL type family of a column. Each has a stable code for the THL encoding; new types get new
 * codes, old codes never change meaning.
 */
public enum SqlType {
  TINYINT(1),
  SMALLINT(2),
  MEDIUMINT(3),
  INT(4),
  BIGINT(5),
  DECIMAL(6),
  FLOAT(7),
  DOUBLE(8),
  BIT(9),
  YEAR(10),
  DATE(11),
  TIME(12),
  DATETIME(13),
  TIMESTAMP(14),
  CHAR(15),
  VARCHAR(16),
  TEXT(17),
  BINARY(18),
  VARBINARY(19),
  BLOB(20),
  ENUM(21),
  SET(22),
  JSON(23),
  GEOMETRY(24),
  /** A type the source has that Ferry does not model; its values travel as bytes. */
  OTHER(99);

  private static final SqlType[] BY_CODE = new SqlType[100];

  static {
    for (SqlType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  SqlType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static SqlType ofCode(int code) {
    SqlType t = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    if (t == null) {
      throw new IllegalArgumentException("unknown SQL type code " + code);
    }
    return t;
  }

  public boolean isInteger() {
    return this == TINYINT
        || this == SMALLINT
        || this == MEDIUMINT
        || this == INT
        || this == BIGINT;
  }

  public boolean isCharacter() {
    return this == CHAR || this == VARCHAR || this == TEXT;
  }

  public boolean isBinary() {
    return this == BINARY || this == VARBINARY || this == BLOB;
  }
}
