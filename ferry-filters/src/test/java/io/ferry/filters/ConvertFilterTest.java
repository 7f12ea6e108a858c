package io.ferry.filters;

import static io.ferry.filters.ColumnFilterFixtures.roundTrip;
import static io.ferry.filters.ColumnFilterFixtures.settings;
import static io.ferry.filters.ColumnFilterFixtures.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlDateTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import io.ferry.core.value.Values;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvertFilterTest {
  private static final ColumnSpec ID = ColumnSpec.of("id", SqlType.INT).asKey();
  private static final ColumnSpec KIND =
      new ColumnSpec(
          "kind",
          SqlType.ENUM,
          "enum('small','large')",
          false,
          true,
          "utf8mb4",
          false,
          0,
          0,
          List.of("small", "large"));
  private static final ColumnSpec TAGS =
      new ColumnSpec(
          "tags",
          SqlType.SET,
          "set('red','green','blue')",
          false,
          true,
          "utf8mb4",
          false,
          0,
          0,
          List.of("red", "green", "blue"));
  private static final ColumnSpec BORN =
      new ColumnSpec("born", SqlType.DATE, "date", false, false, null, false, 0, 0, List.of());
  private static final ColumnSpec SEEN = ColumnSpec.of("seen", SqlType.DATETIME);
  private static final ColumnSpec TS = ColumnSpec.of("ts", SqlType.TIMESTAMP);
  private static final ColumnSpec NOTE =
      ColumnSpec.of("note", SqlType.VARCHAR).withCharset("latin1");
  private static final ColumnSpec FLAGS =
      new ColumnSpec("flags", SqlType.BIT, "bit(3)", false, true, null, false, 3, 0, List.of());
  private static final ColumnSpec DOC = ColumnSpec.of("doc", SqlType.JSON);
  private static final List<ColumnSpec> COLS =
      List.of(ID, KIND, TAGS, BORN, SEEN, TS, NOTE, FLAGS, DOC);

  private static final List<String> ALL_ON =
      List.of(
          "enum-as-label",
          "set-as-labels",
          "zero-dates-as-null",
          "text-as-string",
          "bit-as-number",
          "json-as-text");

  private static ConvertFilter convert(String... extra) {
    String[] kv = new String[12 + extra.length];
    for (int i = 0; i < ALL_ON.size(); i++) {
      kv[2 * i] = ALL_ON.get(i);
      kv[2 * i + 1] = "true";
    }
    System.arraycopy(extra, 0, kv, 12, extra.length);
    return (ConvertFilter) new ConvertFactory().create(settings(new ConvertFactory(), "conv", kv));
  }

  private static Text latin1(String s) {
    return new Text(s.getBytes(StandardCharsets.ISO_8859_1), "latin1");
  }

  private static Object[] sourceRow(long id, EnumValue kind) {
    return new Object[] {
      id,
      kind,
      new SetValue(0b101, null),
      new SqlDate(0, 0, 0),
      new SqlDateTime(2024, 2, 30, 8, 0, 0, 0),
      new SqlTimestamp(0, 0),
      latin1("caf\u00e9"),
      new Bits(3, 5),
      new JsonValue("{\"a\": 1}")
    };
  }

  @Test
  void everyConversionChangesValuesAndDeclarations() {
    RowChanges insert =
        RowChanges.full(
            "shop",
            "things",
            Action.INSERT,
            COLS,
            List.of(Row.insert(sourceRow(1, new EnumValue(2, null)))));
    RowChanges update =
        RowChanges.full(
            "shop",
            "things",
            Action.UPDATE,
            COLS,
            List.of(
                Row.of(
                    new Object[] {
                      2L,
                      new EnumValue(0, null),
                      null,
                      new SqlDate(2024, 5, 1),
                      new SqlDateTime(2024, 5, 1, 0, 0, 0, 0),
                      new SqlTimestamp(1, 0),
                      null,
                      null,
                      null
                    },
                    sourceRow(2, new EnumValue(1, "small")))));
    Transaction out = convert().filter(tx("shop", insert, update));

    List<ColumnSpec> declared =
        List.of(
            ID,
            new ColumnSpec(
                "kind",
                SqlType.VARCHAR,
                "varchar(5)",
                false,
                true,
                "utf8mb4",
                false,
                5,
                0,
                List.of()),
            new ColumnSpec(
                "tags",
                SqlType.VARCHAR,
                "varchar(14)",
                false,
                true,
                "utf8mb4",
                false,
                14,
                0,
                List.of()),
            new ColumnSpec("born", SqlType.DATE, "date", false, true, null, false, 0, 0, List.of()),
            SEEN,
            TS,
            NOTE,
            new ColumnSpec(
                "flags", SqlType.BIGINT, "bigint", false, true, null, false, 0, 0, List.of()),
            new ColumnSpec(
                "doc", SqlType.TEXT, "longtext", false, true, "utf8mb4", false, 0, 0, List.of()));
    Object[] converted = {1L, "large", "red,blue", null, null, null, "caf\u00e9", 5L, "{\"a\": 1}"};
    Object[] after2 = converted.clone();
    after2[0] = 2L;
    after2[1] = "small";
    assertThat(out.changes())
        .containsExactly(
            RowChanges.full(
                "shop", "things", Action.INSERT, declared, List.of(Row.insert(converted))),
            RowChanges.full(
                "shop",
                "things",
                Action.UPDATE,
                declared,
                List.of(
                    Row.of(
                        new Object[] {
                          2L,
                          "",
                          null,
                          new SqlDate(2024, 5, 1),
                          new SqlDateTime(2024, 5, 1, 0, 0, 0, 0),
                          new SqlTimestamp(1, 0),
                          null,
                          null,
                          null
                        },
                        after2))));
    for (Object v : ((RowChanges) out.changes().get(0)).rows().get(0).afterImage()) {
      assertThat(Values.isSupported(v)).isTrue();
    }
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void anUnknownEnumLabelLeavesThatColumnAndWarnsOnce() {
    List<ColumnSpec> cols = List.of(ID, KIND, NOTE);
    RowChanges insert =
        RowChanges.full(
            "shop",
            "things",
            Action.INSERT,
            cols,
            List.of(
                Row.insert(1L, new EnumValue(1, null), latin1("a")),
                Row.insert(2L, new EnumValue(3, null), latin1("b"))));
    ConvertFilter f = convert();
    Transaction out = f.filter(tx("shop", insert, insert));
    RowChanges expected =
        RowChanges.full(
            "shop",
            "things",
            Action.INSERT,
            cols,
            List.of(
                Row.insert(1L, new EnumValue(1, null), "a"),
                Row.insert(2L, new EnumValue(3, null), "b")));
    assertThat(out.changes()).containsExactly(expected, expected);
    assertThat(f.warnings().given()).containsExactly("shop.things/enum-as-label:kind");
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void wideBitsBecomeUnsignedBigintAndValidDatesStay() {
    ColumnSpec mask =
        new ColumnSpec("mask", SqlType.BIT, "bit(64)", false, true, null, false, 64, 0, List.of());
    List<ColumnSpec> cols = List.of(ID, mask, BORN);
    RowChanges insert =
        RowChanges.full(
            "shop",
            "bits",
            Action.INSERT,
            cols,
            List.of(Row.insert(1L, new Bits(64, -1L), new SqlDate(2024, 2, 29))));
    Transaction out = convert().filter(tx("shop", insert));
    RowChanges rc = (RowChanges) out.changes().get(0);
    assertThat(rc.columns().get(1))
        .isEqualTo(
            new ColumnSpec(
                "mask",
                SqlType.BIGINT,
                "bigint unsigned",
                true,
                true,
                null,
                false,
                0,
                0,
                List.of()));
    assertThat(rc.columns().get(2)).isSameAs(BORN);
    assertThat(rc.rows())
        .containsExactly(
            Row.insert(1L, new BigInteger("18446744073709551615"), new SqlDate(2024, 2, 29)));
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void tablesOutsideThePatternsAndTablesWithNothingToConvertStayTheSame() {
    RowChanges other =
        RowChanges.full(
            "crm",
            "things",
            Action.INSERT,
            COLS,
            List.of(Row.insert(sourceRow(1, new EnumValue(1, null)))));
    RowChanges plain =
        RowChanges.full(
            "shop",
            "plain",
            Action.INSERT,
            List.of(ID, SEEN),
            List.of(Row.insert(1L, new SqlDateTime(2024, 1, 1, 0, 0, 0, 0))));
    Transaction in = tx("#global", other, plain);
    assertThat(convert("tables", "shop").filter(in)).isSameAs(in);
  }

  @Test
  void enumToStringConvertsEnumsAndSetsOnly() {
    ColumnSpec unlabeled = ColumnSpec.of("size", SqlType.ENUM);
    List<ColumnSpec> cols = List.of(ID, unlabeled, TAGS, NOTE);
    RowChanges insert =
        RowChanges.full(
            "shop",
            "things",
            Action.INSERT,
            cols,
            List.of(
                Row.insert(
                    1L, new EnumValue(2, "XL"), new SetValue(2, List.of("green")), latin1("x"))));
    FilterSettings s = FilterSettings.defaults("e2s", "enum-to-string");
    Transaction out = new EnumToStringFactory().create(s).filter(tx("shop", insert));
    assertThat(out.changes())
        .containsExactly(
            RowChanges.full(
                "shop",
                "things",
                Action.INSERT,
                List.of(
                    ID,
                    new ColumnSpec(
                        "size",
                        SqlType.VARCHAR,
                        "varchar(255)",
                        false,
                        true,
                        "utf8mb4",
                        false,
                        255,
                        0,
                        List.of()),
                    new ColumnSpec(
                        "tags",
                        SqlType.VARCHAR,
                        "varchar(14)",
                        false,
                        true,
                        "utf8mb4",
                        false,
                        14,
                        0,
                        List.of()),
                    NOTE),
                List.of(Row.insert(1L, "XL", "green", latin1("x")))));
    assertThat(roundTrip(out)).isEqualTo(out);
  }

  @Test
  void configurationErrorsSayWhatToWrite() {
    assertThatThrownBy(
            () -> new ConvertFactory().create(FilterSettings.defaults("conv", "convert")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "filter conv (convert) converts nothing: turn on at least one conversion, like"
                + " filter.conv.enum-as-label = true (the conversions: enum-as-label,"
                + " set-as-labels, zero-dates-as-null, text-as-string, bit-as-number,"
                + " json-as-text)");
    assertThatThrownBy(() -> ConvertFactory.TABLES.type().parse("shop.t.c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'shop.t.c' is not a schema or schema.table pattern: write it like shop.orders, crm");
    assertThatThrownBy(() -> ConvertFactory.ENUM_AS_LABEL.type().parse("maybe"))
        .hasMessage("'maybe' is not true or false (yes/no, on/off also do)");
  }
}
