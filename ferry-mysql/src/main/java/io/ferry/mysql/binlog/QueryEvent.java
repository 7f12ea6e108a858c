package io.ferry.mysql.binlog;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed QUERY (or EXECUTE_LOAD_QUERY) event: the statement's bytes, its default schema, and the
 * status variables that change what it means. Fields the event did not carry are null. Immutable
 * after parsing.
 */
final class QueryEvent {
  static final long OPTION_AUTO_IS_NULL = 1L << 14;
  static final long OPTION_NOT_AUTOCOMMIT = 1L << 19;
  static final long OPTION_NO_FOREIGN_KEY_CHECKS = 1L << 26;
  static final long OPTION_RELAXED_UNIQUE_CHECKS = 1L << 27;

  long threadId;
  int errorCode;
  String schema;
  byte[] sql;
  Long flags2;
  Long sqlMode;
  Integer autoIncrementIncrement;
  Integer autoIncrementOffset;
  Integer charsetClient;
  Integer collationConnection;
  Integer collationServer;
  String timeZone;
  Integer lcTimeNames;
  Integer collationDatabase;
  Integer hrnowMicros;
  List<String> updatedSchemas;
  boolean unknownStatusVariable;

  /** For EXECUTE_LOAD_QUERY: the file id and the file name's byte range in the statement. */
  long loadFileId = -1;

  int loadNameStart;
  int loadNameEnd;

  /** For EXECUTE_LOAD_QUERY: 0 error on duplicates, 1 IGNORE, 2 REPLACE. */
  int loadDuplicates;

  /** Parses a QUERY body ({@code load} false) or an EXECUTE_LOAD_QUERY body ({@code load} true). */
  static QueryEvent parse(byte[] body, boolean load) {
    BinlogInput in = new BinlogInput(body);
    QueryEvent q = new QueryEvent();
    q.threadId = in.u32();
    in.u32(); // execution time
    int schemaLength = in.u8();
    q.errorCode = in.u16();
    int statusLength = in.u16();
    if (load) {
      q.loadFileId = in.u32();
      q.loadNameStart = (int) in.u32();
      q.loadNameEnd = (int) in.u32();
      q.loadDuplicates = in.u8();
    }
    int statusEnd = in.position() + statusLength;
    parseStatus(q, new BinlogInput(body, in.position(), statusEnd));
    in.skip(statusLength);
    q.schema = schemaLength == 0 ? null : in.utf8(schemaLength);
    in.u8(); // NUL after the schema
    q.sql = in.rest();
    return q;
  }

  private static void parseStatus(QueryEvent q, BinlogInput in) {
    while (in.hasRemaining()) {
      int code = in.u8();
      switch (code) {
        case 0 -> q.flags2 = in.u32();
        case 1 -> q.sqlMode = in.i64();
        case 2 -> {
          int n = in.u8();
          in.skip(n + 1);
        }
        case 3 -> {
          q.autoIncrementIncrement = in.u16();
          q.autoIncrementOffset = in.u16();
        }
        case 4 -> {
          q.charsetClient = in.u16();
          q.collationConnection = in.u16();
          q.collationServer = in.u16();
        }
        case 5 -> q.timeZone = in.utf8(in.u8());
        case 6 -> in.skip(in.u8()); // catalog
        case 7 -> q.lcTimeNames = in.u16();
        case 8 -> q.collationDatabase = in.u16();
        case 9 -> in.skip(8); // table map for update
        case 10 -> in.skip(4); // master data written
        case 11 -> {
          in.skip(in.u8()); // invoker user
          in.skip(in.u8()); // invoker host
        }
        case 12 -> {
          int n = in.u8();
          List<String> names = new ArrayList<>();
          if (n != 254) { // 254: too many to list
            for (int i = 0; i < n; i++) {
              names.add(in.nulTerminated());
            }
          }
          q.updatedSchemas = names;
        }
        case 13 -> in.skip(3); // microseconds (MySQL)
        case 16 -> in.skip(1); // explicit_defaults_for_timestamp
        case 17 -> in.skip(8); // ddl logged with xid
        case 18 -> in.skip(2); // default collation for utf8mb4
        case 19, 20 -> in.skip(1); // sql_require_primary_key, default_table_encryption
        case 128 -> q.hrnowMicros = in.u24(); // MariaDB: statement time microseconds
        case 129 -> in.skip(8); // MariaDB: xid
        default -> {
          // A status variable this Ferry does not know: its length is unknown, so the rest of
          // the block cannot be read. The statement itself is still found (the block's length is
          // known); the caller reports the gap.
          q.unknownStatusVariable = true;
          return;
        }
      }
    }
  }
}
