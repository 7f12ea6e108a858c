package io.ferry.mysql.binlog;

/** MariaDB/MySQL binlog column type codes ({@code enum_field_types}). */
final class ColumnTypes {
  static final int DECIMAL = 0;
  static final int TINY = 1;
  static final int SHORT = 2;
  static final int LONG = 3;
  static final int FLOAT = 4;
  static final int DOUBLE = 5;
  static final int NULL = 6;
  static final int TIMESTAMP = 7;
  static final int LONGLONG = 8;
  static final int INT24 = 9;
  static final int DATE = 10;
  static final int TIME = 11;
  static final int DATETIME = 12;
  static final int YEAR = 13;
  static final int NEWDATE = 14;
  static final int VARCHAR = 15;
  static final int BIT = 16;
  static final int TIMESTAMP2 = 17;
  static final int DATETIME2 = 18;
  static final int TIME2 = 19;

  /** MariaDB: a BLOB or TEXT column declared COMPRESSED (values zlib-compressed in the row). */
  static final int BLOB_COMPRESSED = 140;

  /** MariaDB: a VARCHAR or VARBINARY column declared COMPRESSED. */
  static final int VARCHAR_COMPRESSED = 141;

  static final int JSON = 245;
  static final int NEWDECIMAL = 246;
  static final int ENUM = 247;
  static final int SET = 248;
  static final int TINY_BLOB = 249;
  static final int MEDIUM_BLOB = 250;
  static final int LONG_BLOB = 251;
  static final int BLOB = 252;
  static final int VAR_STRING = 253;
  static final int STRING = 254;
  static final int GEOMETRY = 255;

  private ColumnTypes() {}

  /** The number of metadata bytes the table map holds for a column of this type. */
  static int metadataBytes(int type) {
    return switch (type) {
      case FLOAT,
          DOUBLE,
          BLOB,
          TINY_BLOB,
          MEDIUM_BLOB,
          LONG_BLOB,
          GEOMETRY,
          JSON,
          TIMESTAMP2,
          DATETIME2,
          TIME2,
          BLOB_COMPRESSED ->
          1;
      case VARCHAR, VAR_STRING, BIT, NEWDECIMAL, SET, ENUM, STRING, VARCHAR_COMPRESSED -> 2;
      default -> 0;
    };
  }

  /** Numeric columns carry a signedness bit in the table map's optional metadata. */
  static boolean isNumeric(int type) {
    return switch (type) {
      case TINY, SHORT, INT24, LONG, LONGLONG, NEWDECIMAL, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** Character columns carry a collation in the table map's optional metadata. */
  static boolean isCharacter(int realType) {
    return switch (realType) {
      case STRING,
          VAR_STRING,
          VARCHAR,
          BLOB,
          TINY_BLOB,
          MEDIUM_BLOB,
          LONG_BLOB,
          GEOMETRY,
          BLOB_COMPRESSED,
          VARCHAR_COMPRESSED ->
          true;
      default -> false;
    };
  }

  static String name(int type) {
    return switch (type) {
      case DECIMAL -> "DECIMAL";
      case TINY -> "TINY";
      case SHORT -> "SHORT";
      case LONG -> "LONG";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case NULL -> "NULL";
      case TIMESTAMP -> "TIMESTAMP";
      case LONGLONG -> "LONGLONG";
      case INT24 -> "INT24";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case DATETIME -> "DATETIME";
      case YEAR -> "YEAR";
      case VARCHAR -> "VARCHAR";
      case BIT -> "BIT";
      case TIMESTAMP2 -> "TIMESTAMP2";
      case DATETIME2 -> "DATETIME2";
      case TIME2 -> "TIME2";
      case JSON -> "JSON";
      case NEWDECIMAL -> "NEWDECIMAL";
      case ENUM -> "ENUM";
      case SET -> "SET";
      case BLOB -> "BLOB";
      case VAR_STRING -> "VAR_STRING";
      case STRING -> "STRING";
      case GEOMETRY -> "GEOMETRY";
      case BLOB_COMPRESSED -> "BLOB COMPRESSED";
      case VARCHAR_COMPRESSED -> "VARCHAR COMPRESSED";
      default -> "type " + type;
    };
  }
}
