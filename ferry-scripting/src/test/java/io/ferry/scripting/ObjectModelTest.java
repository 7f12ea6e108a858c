package io.ferry.scripting;

import static io.ferry.scripting.Fixtures.col;
import static io.ferry.scripting.Fixtures.key;
import static io.ferry.scripting.Fixtures.stmt;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.Bits;
import io.ferry.core.value.EnumValue;
import io.ferry.core.value.JsonValue;
import io.ferry.core.value.SetValue;
import io.ferry.core.value.SqlDate;
import io.ferry.core.value.SqlTime;
import io.ferry.core.value.SqlTimestamp;
import io.ferry.core.value.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What scripts see of a transaction and its values, identical in both languages. */
class ObjectModelTest {
  @TempDir Path dir;

  private static final List<ColumnSpec> COLUMNS =
      List.of(
          key("id"),
          col("big", SqlType.BIGINT).withUnsigned(true),
          col("dec", SqlType.DECIMAL).withLength(10, 2),
          col("f", SqlType.FLOAT),
          col("bin", SqlType.VARBINARY),
          col("d", SqlType.DATE),
          col("t", SqlType.TIME),
          col("ts", SqlType.TIMESTAMP),
          col("b", SqlType.BIT).withLength(4, 0),
          new ColumnSpec(
              "e", SqlType.ENUM, null, false, true, null, false, 0, 0, List.of("a", "b")),
          new ColumnSpec("s", SqlType.SET, null, false, true, null, false, 0, 0, List.of("x", "y")),
          col("j", SqlType.JSON),
          ColumnSpec.of(null, SqlType.VARCHAR).withCharset("latin1"));

  private static Transaction input() {
    RowChanges rc =
        RowChanges.full(
            "db",
            "t",
            Action.INSERT,
            COLUMNS,
            List.of(
                Row.insert(
                    1L,
                    new BigInteger("18446744073709551615"),
                    new BigDecimal("12.30"),
                    0.1f,
                    new byte[] {0, 65, (byte) 255},
                    new SqlDate(0, 0, 0),
                    new SqlTime(true, 1, 2, 3, 500_000),
                    new SqlTimestamp(1_700_000_000L, 0),
                    new Bits(4, 5),
                    new EnumValue(2, "b"),
                    new SetValue(3, List.of("x", "y")),
                    new JsonValue("{\"k\":1}"),
                    new Text(new byte[] {(byte) 0xe9}, "latin1"))));
    return new Transaction(
        Fixtures.header(9, "east", "db"),
        List.of(rc, stmt("UPDATE t SET a=1"), new RowsQuery("INSERT INTO t VALUES (1)")));
  }

  private static final String JS =
      "function filter(tx) {\n"
          + "  let r = tx.changes[0].rows[0].after, out = [];\n"
          + "  for (let k in r) { let v = r[k]; out.push(k + '=' + (Array.isArray(v) ? 'bytes:' + v.join(',') : v) + ':' + typeof v); }\n"
          + "  let s = tx.changes[1], a = tx.changes[2];\n"
          + "  out.push(tx.seqno, tx.epoch, tx.fragno, tx.lastFrag, tx.origin, tx.sourceId, tx.sourceTime, tx.shard, tx.position, tx.options['commit.required']);\n"
          + "  out.push(s.kind, s.sql, s.schema, a.kind, a.text, tx.changes[0].columns[12].name, tx.changes[0].columns[1].type, tx.changes[0].columns[0].key);\n"
          + "  r.d = '2024-05-01'; r.dec = 7.5; r.bin = [1, 2]; r.e = 'a'; r.s = 'y'; r['@13'] = 'à';\n"
          + "  tx.addStatement(out.join('|'), 'db');\n"
          + "  tx.setShard('other');\n"
          + "}\n";
  private static final String LUA =
      "function filter(tx)\n"
          + "  local r, out = tx.changes[1].rows[1].after, {}\n"
          + "  for _, k in ipairs({'id','big','dec','f','bin','d','t','ts','b','e','s','j','@13'}) do\n"
          + "    local v = r[k]\n"
          + "    if k == 'bin' then v = 'bytes:' .. table.concat({v:byte(1, -1)}, ',') ; out[#out+1] = k .. '=' .. v .. ':object'\n"
          + "    else out[#out+1] = k .. '=' .. tostring(v) .. ':' .. type(v) end\n"
          + "  end\n"
          + "  local s, a = tx.changes[2], tx.changes[3]\n"
          + "  for _, v in ipairs({tx.seqno, tx.epoch, tx.fragno, tostring(tx.lastFrag), tx.origin, tx.sourceId, tx.sourceTime, tx.shard, tx.position, tx.options['commit.required'],"
          + " s.kind, s.sql, s.schema, a.kind, a.text, tx.changes[1].columns[13].name, tx.changes[1].columns[2].type, tostring(tx.changes[1].columns[1].key)}) do out[#out+1] = tostring(v) end\n"
          + "  r.d = '2024-05-01'; r.dec = 7.5; r.bin = '\\1\\2'; r.e = 'a'; r.s = 'y'; r['@13'] = 'à'\n"
          + "  tx:addStatement(table.concat(out, '|'), 'db')\n"
          + "  tx:setShard('other')\n"
          + "end\n";

  @ParameterizedTest
  @ValueSource(strings = {"javascript", "lua"})
  void valuesAndFieldsAsScriptsSeeThem(String type) {
    boolean lua = type.equals("lua");
    Path p = Fixtures.write(dir, lua ? "m.lua" : "m.js", lua ? LUA : JS);
    Transaction in = input();
    Transaction out = Fixtures.filter(type, p).filter(in);
    String seen = ((SqlStatement) out.changes().get(3)).text();
    // an added statement may be DDL: the transaction then commits alone
    assertThat(in.commitRequired()).isFalse();
    assertThat(out.commitRequired()).isTrue();
    String num = "number";
    String str = "string";
    assertThat(seen.replace("|object", "|"))
        .isEqualTo(
            String.join(
                "|",
                "id=1:" + num,
                "big=18446744073709551615:" + str,
                "dec=12.30:" + str,
                "f=0.1:" + num,
                "bin=bytes:0,65,255:object",
                "d=0000-00-00:" + str,
                "t=-01:02:03.500000:" + str,
                "ts=2023-11-14 22:13:20:" + str,
                "b=5:" + num,
                "e=b:" + str,
                "s=x,y:" + str,
                "j={\"k\":1}:" + str,
                "@13=é:" + str,
                "9",
                "1",
                "0",
                "true",
                "east",
                "11",
                "1700000000123",
                "db",
                "mysql-bin.000003:4711",
                "false",
                "statement",
                "UPDATE t SET a=1",
                "shop",
                "annotation",
                "INSERT INTO t VALUES (1)",
                "@13",
                "bigint",
                "true"));
    assertThat(out.header().shard()).isEqualTo("other");
    RowChanges rc = (RowChanges) out.changes().get(0);
    List<Object> after = rc.rows().get(0).afterImage();
    assertThat(after.get(5)).isEqualTo(new SqlDate(2024, 5, 1));
    assertThat(after.get(2)).isEqualTo(new BigDecimal("7.50"));
    assertThat((byte[]) after.get(4)).containsExactly(1, 2);
    assertThat(after.get(9)).isEqualTo(new EnumValue(1, "a"));
    assertThat(after.get(10)).isEqualTo(new SetValue(2, List.of("y")));
    assertThat(after.get(12)).isEqualTo(new Text(new byte[] {(byte) 0xe0}, "latin1"));
    assertThat(rc.columns()).isEqualTo(COLUMNS);
    assertThat(out.changes().get(1)).isSameAs(in.changes().get(1));
    assertThat(out.changes().get(2)).isSameAs(in.changes().get(2));
  }
}
