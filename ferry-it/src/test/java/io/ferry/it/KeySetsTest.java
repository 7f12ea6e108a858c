package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Action;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.parallel.KeyExtractor;
import io.ferry.core.position.OpaquePosition;
import io.ferry.core.value.Text;
import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.mysql.apply.MySqlChannels;
import io.ferry.mysql.apply.TargetSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The key scheduler's key sets against real table definitions: two row changes share a key exactly
 * when the target could make them conflict (or more often, never less): unique values equal under
 * the column's collation (case, trailing spaces, PAD SPACE binary collations, non-ASCII text),
 * prefix unique keys, NULLs, a child's parent key, schema and table names in another case; and what
 * cannot be keyed (no key of NOT NULL columns, MyISAM, cascading parents) is a barrier.
 */
class KeySetsTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static KeyExtractor keys;

  @BeforeAll
  static void tables() throws Exception {
    SandboxServer s = DB.server(1);
    Sql.run(
        s,
        "CREATE DATABASE ks",
        "CREATE TABLE ks.ci (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, UNIQUE KEY (code))"
            + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        "CREATE TABLE ks.bin (id INT PRIMARY KEY, code VARCHAR(20) NOT NULL, UNIQUE KEY (code))"
            + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
        "CREATE TABLE ks.vb (id INT PRIMARY KEY, code VARBINARY(20) NOT NULL, UNIQUE KEY (code))",
        "CREATE TABLE ks.pre (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL,"
            + " UNIQUE KEY (name(4))) DEFAULT CHARSET=utf8mb4",
        "CREATE TABLE ks.nul (id INT PRIMARY KEY, u INT NULL, UNIQUE KEY (u))",
        "CREATE TABLE ks.nokey (a INT NULL, b INT NULL, UNIQUE KEY (a))",
        "CREATE TABLE ks.my (id INT PRIMARY KEY) ENGINE=MyISAM",
        "CREATE TABLE ks.parent (id INT PRIMARY KEY)",
        "CREATE TABLE ks.child (id INT PRIMARY KEY, pid INT NOT NULL,"
            + " FOREIGN KEY (pid) REFERENCES ks.parent (id))",
        "CREATE TABLE ks.cparent (id INT PRIMARY KEY)",
        "CREATE TABLE ks.cchild (id INT PRIMARY KEY, pid INT NOT NULL,"
            + " CONSTRAINT cc FOREIGN KEY (pid) REFERENCES ks.cparent (id) ON DELETE CASCADE)");
    keys =
        new MySqlChannels(
                new TargetSettings(
                    s.host(),
                    s.port(),
                    s.replicator().user(),
                    s.replicator().password(),
                    null,
                    null),
                ApplierSettings.of("ks"),
                0,
                new io.ferry.mysql.apply.CheckTally(),
                Clock.systemUTC())
            .keys();
  }

  @AfterAll
  static void close() {
    keys.close();
  }

  private static Transaction insert(String schema, String table, List<String> cols, Object... v) {
    List<ColumnSpec> specs =
        cols.stream()
            .map(
                c ->
                    ColumnSpec.of(
                        c, c.equals("code") || c.equals("name") ? SqlType.VARCHAR : SqlType.INT))
            .toList();
    RowChanges rc = RowChanges.full(schema, table, Action.INSERT, specs, List.of(Row.insert(v)));
    return new Transaction(
        new TransactionHeader(
            1, 1, 0, true, new OpaquePosition("p"), "", "", schema, 0, 0, Map.of()),
        List.of(rc));
  }

  private static long[] of(Transaction tx) {
    KeyExtractor.Keys k = keys.keysOf(tx, 100);
    assertThat(k.barrier()).as("barrier").isNull();
    return k.hashes();
  }

  private static boolean share(Transaction a, Transaction b) {
    long[] x = of(a);
    long[] y = of(b);
    return Arrays.stream(x).anyMatch(h -> Arrays.stream(y).anyMatch(g -> g == h));
  }

  private static String barrier(Transaction tx) {
    return keys.keysOf(tx, 100).barrier();
  }

  private static Text t(String s) {
    return Text.of(s);
  }

  @Test
  void uniqueValuesEqualUnderTheCollationShareAKey() {
    List<String> cols = List.of("id", "code");
    assertThat(
            share(insert("ks", "ci", cols, 1L, t("Abc")), insert("ks", "ci", cols, 2L, t("aBC  "))))
        .isTrue();
    assertThat(
            share(insert("ks", "ci", cols, 1L, t("abc")), insert("ks", "ci", cols, 2L, t("abd"))))
        .isFalse();
    // non-ASCII values of a case-insensitive column are all one value (ß = s in general_ci)
    assertThat(share(insert("ks", "ci", cols, 1L, t("ß")), insert("ks", "ci", cols, 2L, t("é"))))
        .isTrue();
    // a _bin collation pads: 'a' = 'a ', but 'a' <> 'A'
    assertThat(share(insert("ks", "bin", cols, 1L, t("a")), insert("ks", "bin", cols, 2L, t("a "))))
        .isTrue();
    assertThat(share(insert("ks", "bin", cols, 1L, t("a")), insert("ks", "bin", cols, 2L, t("A"))))
        .isFalse();
    // binary strings are bytes
    assertThat(
            share(
                insert(
                    "ks", "vb", cols, 1L, "a".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                insert(
                    "ks",
                    "vb",
                    cols,
                    2L,
                    "a ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
        .isFalse();
    // a prefix key: equal first four characters conflict
    List<String> named = List.of("id", "name");
    assertThat(
            share(
                insert("ks", "pre", named, 1L, t("abcdXYZ")),
                insert("ks", "pre", named, 2L, t("abcdQ"))))
        .isTrue();
    // the primary key; names in another case are another table here (lower_case_table_names=0)
    assertThat(share(insert("ks", "ci", cols, 7L, t("x")), insert("ks", "ci", cols, 7L, t("y"))))
        .isTrue();
    assertThat(barrier(insert("KS", "CI", cols, 7L, t("y")))).startsWith("table not on the target");
  }

  @Test
  void nullsMakeNoKeyAndChildrenPointToTheirParent() {
    List<String> cols = List.of("id", "u");
    assertThat(share(insert("ks", "nul", cols, 1L, null), insert("ks", "nul", cols, 2L, null)))
        .isFalse();
    assertThat(share(insert("ks", "nul", cols, 1L, 5L), insert("ks", "nul", cols, 2L, 5L)))
        .isTrue();
    assertThat(
            share(
                insert("ks", "parent", List.of("id"), 9L),
                insert("ks", "child", List.of("id", "pid"), 1L, 9L)))
        .isTrue();
    assertThat(
            share(
                insert("ks", "parent", List.of("id"), 9L),
                insert("ks", "child", List.of("id", "pid"), 1L, 8L)))
        .isFalse();
  }

  @Test
  void whatCannotBeKeyedIsABarrierWithItsReason() {
    assertThat(barrier(insert("ks", "nokey", List.of("a", "b"), 1L, 2L)))
        .isEqualTo("no primary key or unique key of NOT NULL columns: ks.nokey");
    assertThat(barrier(insert("ks", "my", List.of("id"), 1L)))
        .startsWith("non-transactional table: ks.my");
    assertThat(barrier(insert("ks", "cparent", List.of("id"), 1L)))
        .isEqualTo("parent of a cascading foreign key: ks.cparent (cc)");
    assertThat(barrier(insert("ks", "gone", List.of("id"), 1L)))
        .isEqualTo("table not on the target: ks.gone");
    assertThat(barrier(insert("ferry_x", "position", List.of("id"), 1L)))
        .startsWith("catalog or heartbeat table");
  }
}
