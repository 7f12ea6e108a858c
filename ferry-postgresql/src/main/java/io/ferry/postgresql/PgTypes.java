package io.ferry.postgresql;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Bits;
import io.ferry.core.value.Charsets;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MariaDB/MySQL to PostgreSQL type mapping (docs/type-mapping/postgresql.md): the PostgreSQL
 * type of every source column type, and the conversion of every event value to what pgjdbc binds.
 * Decisions: unsigned BIGINT is {@code numeric(20,0)} (its whole range, always the same type); TIME
 * is {@code interval} (it spans ±838 hours); zero and invalid dates, datetimes and timestamps are
 * {@code -infinity} (NOT NULL columns keep working, NULL stays NULL); ENUM and SET are {@code text}
 * with their labels; JSON is {@code jsonb}; spatial values are {@code bytea} holding (E)WKB;
 * character data is decoded from its source character set into UTF-8, and bytes that are not valid
 * there (or a NUL character, which PostgreSQL text cannot hold) are an error, or U+FFFD under
 * {@link InvalidText#REPLACE}. Stateless.
 */
public final class PgTypes {
  private PgTypes() {}

  /** What happens to character data PostgreSQL cannot hold as it is. */
  public enum InvalidText {
    /** Stop with an error that names the table, column and seqno. */
    FAIL,
    /** Write U+FFFD in place of each invalid byte sequence and of each NUL character. */
    REPLACE
  }

  /** How a parameter is bound: the JDBC type its value (and its NULL) goes as. */
  enum Bind {
    LONG(Types.BIGINT),
    NUMERIC(Types.NUMERIC),
    REAL(Types.REAL),
    DOUBLE(Types.DOUBLE),
    STRING(Types.VARCHAR),
    BYTES(Types.BINARY);

    final int jdbcType;

    Bind(int jdbcType) {
      this.jdbcType = jdbcType;
    }
  }

  /** Text that cannot be written as it is; the caller adds table, column and seqno. */
  static final class BadValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValueException(String message) {
      super(message);
    }
  }

  private static final Pattern LENGTH = Pattern.compile("\\(\\s*(\\d+)");

  /** The PostgreSQL type a source column becomes. */
  public static String pgType(ColumnSpec c) {
    return switch (c.type()) {
      case TINYINT, YEAR -> "smallint";
      case SMALLINT -> c.unsigned() ? "integer" : "smallint";
      case MEDIUMINT -> "integer";
      case INT -> c.unsigned() ? "bigint" : "integer";
      case BIGINT -> c.unsigned() ? "numeric(20,0)" : "bigint";
      case DECIMAL -> c.length() > 0 ? "numeric(" + c.length() + "," + c.scale() + ")" : "numeric";
      case FLOAT -> "real";
      case DOUBLE -> "double precision";
      case BIT -> "bit(" + Math.max(1, c.length()) + ")";
      case DATE -> "date";
      case TIME -> "interval";
      case DATETIME -> "timestamp(" + fsp(c) + ") without time zone";
      case TIMESTAMP -> "timestamp(" + fsp(c) + ") with time zone";
      case CHAR, VARCHAR -> {
        int n = declaredLength(c);
        yield n > 0 ? "varchar(" + n + ")" : "text";
      }
      case TEXT -> "json".equalsIgnoreCase(c.typeName()) ? "jsonb" : "text";
      case ENUM, SET -> "text";
      case JSON -> "jsonb";
      case BINARY, VARBINARY, BLOB, GEOMETRY, OTHER -> "bytea";
    };
  }

  private static int fsp(ColumnSpec c) {
    return Math.max(0, Math.min(6, c.scale()));
  }

  /**
   * The declared length in characters of a CHAR/VARCHAR column, read from its declared type (the
   * binlog's own length counts bytes), or 0 when unknown.
   */
  static int declaredLength(ColumnSpec c) {
    if (c.typeName() == null) {
      return 0;
    }
    Matcher m = LENGTH.matcher(c.typeName());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** How a column's values are bound. */
  static Bind bind(ColumnSpec c) {
    return switch (c.type()) {
      case TINYINT, SMALLINT, MEDIUMINT, INT, YEAR -> Bind.LONG;
      case BIGINT -> c.unsigned() ? Bind.NUMERIC : Bind.LONG;
      case DECIMAL -> Bind.NUMERIC;
      case FLOAT -> Bind.REAL;
      case DOUBLE -> Bind.DOUBLE;
      case BINARY, VARBINARY, BLOB, GEOMETRY, OTHER -> Bind.BYTES;
      default -> Bind.STRING;
    };
  }

  /** Binds a value (already {@link #convert converted}) as its column binds. */
  static void set(PreparedStatement ps, int index, Bind bind, Object v) throws SQLException {
    if (v == null) {
      ps.setNull(index, bind.jdbcType);
      return;
    }
    switch (bind) {
      case LONG -> ps.setLong(index, (Long) v);
      case NUMERIC -> ps.setBigDecimal(index, (BigDecimal) v);
      case REAL -> ps.setFloat(index, (Float) v);
      case DOUBLE -> ps.setDouble(index, (Double) v);
      case STRING -> ps.setString(index, (String) v);
      case BYTES -> ps.setBytes(index, (byte[]) v);
    }
  }

  /**
   * The value as its column binds it: Long, BigDecimal, Float, Double, String (text, labels,
   * temporal and bit literals, JSON) or byte[]; null for NULL.
   *
   * @throws BadValueException for text PostgreSQL cannot hold under {@link InvalidText#FAIL}, or a
   *     value of a type the column cannot take
   */
  static Object convert(Object v, ColumnSpec c, InvalidText invalid) {
    if (v == null) {
      return null;
    }
    Bind bind = bind(c);
    return switch (bind) {
      case LONG -> toLong(v, c);
      case NUMERIC -> toNumeric(v, c);
      case REAL -> v instanceof Float f ? f : (Float) ((Number) v).floatValue();
      case DOUBLE -> v instanceof Double d ? d : (Double) ((Number) v).doubleValue();
      case BYTES -> toBytes(v);
      case STRING -> toText(v, c, invalid);
    };
  }

  private static Long toLong(Object v, ColumnSpec c) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw mismatch(v, c);
  }

  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private static BigDecimal toNumeric(Object v, ColumnSpec c) {
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (v instanceof Long l) {
      // an unsigned BIGINT the source handed over in a signed long
      return new BigDecimal(
          c.unsigned() && l < 0 ? BigInteger.valueOf(l).add(TWO_64) : BigInteger.valueOf(l));
    }
    throw mismatch(v, c);
  }

  private static byte[] toBytes(Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof Geometry g) {
      return ewkb(g.unsafeBytes());
    }
    if (v instanceof Text t) {
      return t.unsafeBytes();
    }
    if (v instanceof String s) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    throw new BadValueException("a " + v.getClass().getSimpleName() + " value for a bytea column");
  }

  private static String toText(Object v, ColumnSpec c, InvalidText invalid) {
    if (v instanceof Text t) {
      return decode(t, invalid);
    } else if (v instanceof String s) {
      return checkNul(s, invalid);
    } else if (v instanceof SqlDate d) {
      return date(d);
    } else if (v instanceof SqlDateTime dt) {
      return dateTime(dt);
    } else if (v instanceof SqlTimestamp ts) {
      return timestamp(ts);
    } else if (v instanceof SqlTime t) {
      return interval(t);
    } else if (v instanceof Bits b) {
      return bits(b);
    } else if (v instanceof EnumValue e) {
      return enumLabel(e, c);
    } else if (v instanceof SetValue s) {
      return setLabels(s, c);
    } else if (v instanceof JsonValue j) {
      return checkNul(j.json(), invalid);
    } else if (v instanceof byte[] b) {
      // a JSON or character column logged as its bytes
      String cs = c.type() == SqlType.JSON || c.charset() == null ? "utf8mb4" : c.charset();
      return decode(Text.wrap(b, cs), invalid);
    }
    throw mismatch(v, c);
  }

  private static BadValueException mismatch(Object v, ColumnSpec c) {
    return new BadValueException(
        "a " + v.getClass().getSimpleName() + " value for a " + c.type() + " column");
  }

  // ------------------------------------------------------------------ character data

  /** MySQL's latin1 is windows-1252 with its five undefined bytes kept as U+0081 and the like. */
  private static final char[] LATIN1 = new char[256];

  static {
    Charset cp1252 = Charset.forName("windows-1252");
    for (int b = 0; b < 256; b++) {
      CharsetDecoder d =
          cp1252
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      try {
        LATIN1[b] = d.decode(ByteBuffer.wrap(new byte[] {(byte) b})).charAt(0);
      } catch (CharacterCodingException e) {
        LATIN1[b] = (char) b;
      }
    }
  }

  /** Decodes source text; invalid bytes and NUL characters per the policy. */
  static String decode(Text t, InvalidText invalid) {
    byte[] bytes = t.unsafeBytes();
    String cs = t.charset().toLowerCase(Locale.ROOT);
    String s;
    if (cs.equals("latin1")) {
      char[] out = new char[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        out[i] = LATIN1[bytes[i] & 0xff];
      }
      s = new String(out);
    } else if (isAscii(bytes)
        && !cs.startsWith("utf16")
        && !cs.startsWith("utf32")
        && !cs.equals("ucs2")) {
      s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    } else {
      CodingErrorAction action =
          invalid == InvalidText.FAIL ? CodingErrorAction.REPORT : CodingErrorAction.REPLACE;
      CharsetDecoder d =
          Charsets.forSqlName(cs)
              .newDecoder()
              .onMalformedInput(action)
              .onUnmappableCharacter(action)
              .replaceWith("\uFFFD");
      try {
        CharBuffer out = d.decode(ByteBuffer.wrap(bytes));
        s = out.toString();
      } catch (CharacterCodingException e) {
        throw new BadValueException(
            "text bytes that are not valid "
                + t.charset()
                + " (0x"
                + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 32))
                + (bytes.length > 32 ? "..." : "")
                + "); PostgreSQL holds only valid UTF-8. Fix the row on the source, or set"
                + " target.postgresql.invalid-text = replace to write U+FFFD in their place");
      }
    }
    return checkNul(s, invalid);
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }

  private static String checkNul(String s, InvalidText invalid) {
    if (s.indexOf('\0') < 0) {
      return s;
    }
    if (invalid == InvalidText.REPLACE) {
      return s.replace('\0', '\uFFFD');
    }
    throw new BadValueException(
        "text with a NUL character (0x00), which PostgreSQL text cannot hold; set"
            + " target.postgresql.invalid-text = replace to write U+FFFD in its place, or make the"
            + " column binary on the source");
  }

  // ------------------------------------------------------------------ temporal values

  /** {@code -infinity}: the value of zero and invalid dates, datetimes and timestamps. */
  static final String ZERO = "-infinity";

  /** The date's text, years before 1 as BC (MariaDB's year 0 is 1 BC); zero/invalid: -infinity. */
  static String date(SqlDate d) {
    if (!valid(d.year(), d.month(), d.day())) {
      return ZERO;
    }
    return d.year() >= 1
        ? String.format("%04d-%02d-%02d", d.year(), d.month(), d.day())
        : String.format("0001-%02d-%02d BC", d.month(), d.day());
  }

  private static boolean valid(int year, int month, int day) {
    if (month == 0 || day == 0) {
      return false;
    }
    try {
      LocalDate.of(year, month, day);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  static String dateTime(SqlDateTime dt) {
    if (!valid(dt.year(), dt.month(), dt.day())) {
      return ZERO;
    }
    String time =
        String.format("%02d:%02d:%02d.%06d", dt.hour(), dt.minute(), dt.second(), dt.micros());
    return dt.year() >= 1
        ? String.format("%04d-%02d-%02d ", dt.year(), dt.month(), dt.day()) + time
        : String.format("0001-%02d-%02d ", dt.month(), dt.day()) + time + " BC";
  }

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** The instant in UTC with an explicit offset, so the session's time zone plays no part. */
  static String timestamp(SqlTimestamp ts) {
    if (ts.isZero()) {
      return ZERO;
    }
    return UTC.format(Instant.ofEpochSecond(ts.epochSeconds()))
        + String.format(".%06d+00", ts.micros());
  }

  /** {@code -838:59:59.000000}: hours, minutes, seconds, all of one sign. */
  static String interval(SqlTime t) {
    return String.format(
        "%s%d:%02d:%02d.%06d",
        t.negative() ? "-" : "", t.hours(), t.minutes(), t.seconds(), t.micros());
  }

  /** {@code 0101}: every bit of the width, most significant first. */
  static String bits(Bits b) {
    String digits = Long.toBinaryString(b.value());
    return "0".repeat(Math.max(0, b.width() - digits.length())) + digits;
  }

  private static String enumLabel(EnumValue e, ColumnSpec c) {
    if (e.index() == 0) {
      return ""; // the empty error value
    }
    if (e.label() != null) {
      return e.label();
    }
    if (e.index() <= c.labels().size()) {
      return c.labels().get(e.index() - 1);
    }
    throw new BadValueException(
        "ENUM value #"
            + e.index()
            + " without its label (the source's table metadata names none): extract with"
            + " binlog_row_metadata = FULL, or keep the schema history");
  }

  private static String setLabels(SetValue s, ColumnSpec c) {
    if (s.labels() != null) {
      return String.join(",", s.labels());
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      if ((s.bits() & (1L << i)) != 0) {
        if (i >= c.labels().size()) {
          throw new BadValueException(
              "SET member #"
                  + i
                  + " without its label (the source's table metadata names none): extract with"
                  + " binlog_row_metadata = FULL, or keep the schema history");
        }
        out.append(out.length() == 0 ? "" : ",").append(c.labels().get(i));
      }
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ spatial values

  /**
   * MariaDB's spatial format (a 4-byte little-endian SRID, then WKB) as PostGIS reads it: plain WKB
   * when the SRID is 0, else extended WKB (the SRID flag in the type, the SRID after it).
   */
  static byte[] ewkb(byte[] internal) {
    if (internal.length < 9) {
      return internal.clone(); // not a geometry the server wrote: kept as it is
    }
    int srid =
        (internal[0] & 0xff)
            | (internal[1] & 0xff) << 8
            | (internal[2] & 0xff) << 16
            | (internal[3] & 0xff) << 24;
    byte[] wkb = java.util.Arrays.copyOfRange(internal, 4, internal.length);
    if (srid == 0) {
      return wkb;
    }
    boolean little = wkb[0] == 1;
    ByteBuffer type = ByteBuffer.wrap(wkb, 1, 4);
    type.order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
    int t = type.getInt(1) | 0x20000000;
    ByteBuffer out = ByteBuffer.allocate(wkb.length + 4);
    out.order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
    out.put(wkb[0]).putInt(t).putInt(srid).put(wkb, 5, wkb.length - 5);
    return out.array();
  }
}
