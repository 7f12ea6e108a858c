package io.ferry.mysql.binlog;

import io.ferry.core.event.ColumnSpec;
import java.util.List;

/**
 * How to read one column of a rows event: its binlog type and metadata, and what Ferry knows about
 * it (name, signedness, character set, labels). Immutable.
 *
 * @param type the binlog type code
 * @param realType the real type behind STRING (CHAR, BINARY, ENUM, SET)
 * @param meta the table map's metadata for the column
 * @param spec the column as Ferry describes it
 * @param binary whether character-typed bytes are binary data (BINARY, VARBINARY, BLOB)
 */
record BinlogColumn(int type, int realType, int meta, ColumnSpec spec, boolean binary) {
  List<String> labels() {
    return spec.labels();
  }
}
