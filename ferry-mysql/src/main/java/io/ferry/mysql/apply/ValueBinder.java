package io.ferry.mysql.apply;

import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.Geometry;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds Ferry values to prepared statement parameters so that the target stores exactly what the
 * source had. Values travel in the binary protocol (server-side prepared statements): integers,
 * floats and doubles as their bits, decimals as their digits, character data as the source's bytes
 * (the column's charset gives them meaning, as on the source), temporal values in the server's own
 * text form (zero dates and negative times included; TIMESTAMP in UTC, which the applier's session
 * uses), BIT as its unsigned number, ENUM and SET by index and bits. Stateless.
 */
final class ValueBinder {
  private ValueBinder() {}

  static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(index, Types.NULL);
    } else if (v instanceof Long l) {
      ps.setLong(index, l);
    } else if (v instanceof Text t) {
      ps.setBytes(index, t.unsafeBytes());
    } else if (v instanceof BigDecimal d) {
      ps.setBigDecimal(index, d);
    } else if (v instanceof BigInteger b) {
      ps.setBigDecimal(index, new BigDecimal(b));
    } else if (v instanceof Double d) {
      ps.setDouble(index, d);
    } else if (v instanceof Float f) {
      ps.setFloat(index, f);
    } else if (v instanceof byte[] b) {
      ps.setBytes(index, b);
    } else if (v instanceof String s) {
      ps.setString(index, s);
    } else if (v instanceof SqlDateTime dt) {
      ps.setString(index, dt.toString());
    } else if (v instanceof SqlTimestamp ts) {
      ps.setString(index, ts.utcText());
    } else if (v instanceof SqlDate d) {
      ps.setString(index, d.toString());
    } else if (v instanceof SqlTime t) {
      ps.setString(index, t.toString());
    } else if (v instanceof Bits b) {
      ps.setBigDecimal(index, new BigDecimal(Long.toUnsignedString(b.value())));
    } else if (v instanceof EnumValue e) {
      ps.setLong(index, e.index());
    } else if (v instanceof SetValue s) {
      ps.setLong(index, s.bits());
    } else if (v instanceof JsonValue j) {
      ps.setString(index, j.json());
    } else if (v instanceof Geometry g) {
      ps.setBytes(index, g.unsafeBytes());
    } else {
      throw new IllegalArgumentException(
          "cannot write a value of type " + v.getClass().getName() + " to MariaDB/MySQL");
    }
  }
}
