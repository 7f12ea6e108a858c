package io.ferry.filters;

import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.SqlType;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigInteger;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * The value conversions of the {@code convert} filter: which columns each applies to (by SQL type),
 * how it turns one value into another of Ferry's value types, and what the column is declared as
 * afterwards, so that appliers and encoders agree with the values. Stateless.
 */
enum Conversion {
  /** ENUM → VARCHAR: the label as a String. */
  ENUM_AS_LABEL("enum-as-label") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type() == SqlType.ENUM;
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      if (!(v instanceof EnumValue e)) {
        return UNCONVERTIBLE;
      }
      if (e.index() == 0) {
        return ""; // the server's empty error value
      }
      if (e.label() != null) {
        return e.label();
      }
      return e.index() <= c.labels().size() ? c.labels().get(e.index() - 1) : UNCONVERTIBLE;
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      int n = 0;
      for (String label : c.labels()) {
        n = Math.max(n, label.codePointCount(0, label.length()));
      }
      return varchar(c, c.labels().isEmpty() ? 255 : Math.max(1, n));
    }
  },

  /** SET → VARCHAR: the members' labels joined by commas (empty for no member). */
  SET_AS_LABELS("set-as-labels") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type() == SqlType.SET;
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      if (!(v instanceof SetValue s)) {
        return UNCONVERTIBLE;
      }
      if (s.labels() != null) {
        return String.join(",", s.labels());
      }
      List<String> members = new ArrayList<>();
      for (int bit = 0; bit < 64; bit++) {
        if ((s.bits() & (1L << bit)) != 0) {
          if (bit >= c.labels().size()) {
            return UNCONVERTIBLE;
          }
          members.add(c.labels().get(bit));
        }
      }
      return String.join(",", members);
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      int n = Math.max(0, c.labels().size() - 1);
      for (String label : c.labels()) {
        n += label.codePointCount(0, label.length());
      }
      return varchar(c, c.labels().isEmpty() ? 255 : Math.max(1, n));
    }
  },

  /** Zero and partly zero DATE, DATETIME, TIMESTAMP → NULL; the column becomes nullable. */
  ZERO_DATES_AS_NULL("zero-dates-as-null") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type() == SqlType.DATE
          || c.type() == SqlType.DATETIME
          || c.type() == SqlType.TIMESTAMP;
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      if (v instanceof SqlDate d) {
        return isCalendarDate(d) ? v : null;
      }
      if (v instanceof SqlDateTime dt) {
        return isCalendarDate(dt.date()) ? v : null;
      }
      if (v instanceof SqlTimestamp ts) {
        return ts.isZero() ? null : v;
      }
      return UNCONVERTIBLE;
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      return new ColumnSpec(
          c.name(),
          c.type(),
          c.typeName(),
          c.unsigned(),
          true,
          c.charset(),
          c.key(),
          c.length(),
          c.scale(),
          c.labels());
    }
  },

  /** CHAR, VARCHAR, TEXT values as bytes and charset → a Java String, decoded; type kept. */
  TEXT_AS_STRING("text-as-string") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type().isCharacter();
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      if (v instanceof Text t) {
        return t.toString();
      }
      return v instanceof String ? v : UNCONVERTIBLE;
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      return c;
    }
  },

  /** BIT(n) → BIGINT (n < 64, Long) or BIGINT UNSIGNED (n = 64, BigInteger). */
  BIT_AS_NUMBER("bit-as-number") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type() == SqlType.BIT;
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      if (!(v instanceof Bits b)) {
        return UNCONVERTIBLE;
      }
      if (wide(c)) {
        return new BigInteger(Long.toUnsignedString(b.value()));
      }
      return b.value() < 0 ? UNCONVERTIBLE : b.value(); // wider than the column says
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      boolean wide = wide(c);
      return new ColumnSpec(
          c.name(),
          SqlType.BIGINT,
          wide ? "bigint unsigned" : "bigint",
          wide,
          c.nullable(),
          null,
          c.key(),
          0,
          0,
          List.of());
    }
  },

  /** JSON → TEXT: the document as a String. */
  JSON_AS_TEXT("json-as-text") {
    @Override
    boolean appliesTo(ColumnSpec c) {
      return c.type() == SqlType.JSON;
    }

    @Override
    Object convert(Object v, ColumnSpec c) {
      return v instanceof JsonValue j ? j.json() : UNCONVERTIBLE;
    }

    @Override
    ColumnSpec declare(ColumnSpec c) {
      return new ColumnSpec(
          c.name(),
          SqlType.TEXT,
          "longtext",
          false,
          c.nullable(),
          "utf8mb4",
          c.key(),
          0,
          0,
          List.of());
    }
  };

  /** What {@link #convert} gives for a value it cannot convert (the column then stays). */
  static final Object UNCONVERTIBLE = new Object();

  private final String setting;

  Conversion(String setting) {
    this.setting = setting;
  }

  /** The boolean setting that turns it on. */
  String setting() {
    return setting;
  }

  /** Whether it converts the values of this column. */
  abstract boolean appliesTo(ColumnSpec c);

  /** The converted value (NULL stays NULL, see callers), or {@link #UNCONVERTIBLE}. */
  abstract Object convert(Object v, ColumnSpec c);

  /** The column as declared after its values are converted. */
  abstract ColumnSpec declare(ColumnSpec c);

  /** Whether a BIT column's numbers need BIGINT UNSIGNED: BIT(64), or a width not declared. */
  private static boolean wide(ColumnSpec c) {
    return c.length() < 1 || c.length() > 63;
  }

  private static ColumnSpec varchar(ColumnSpec c, int length) {
    return new ColumnSpec(
        c.name(),
        SqlType.VARCHAR,
        "varchar(" + length + ")",
        false,
        c.nullable(),
        c.charset() != null ? c.charset() : "utf8mb4",
        c.key(),
        length,
        0,
        List.of());
  }

  /** Whether a calendar has the date: month and day not zero, the day within its month. */
  private static boolean isCalendarDate(SqlDate d) {
    return d.month() >= 1
        && d.day() >= 1
        && d.day() <= YearMonth.of(d.year(), d.month()).lengthOfMonth();
  }
}
