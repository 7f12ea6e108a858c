package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.value.Text;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statement-based and mixed logs: each statement comes with the session context that changes what
 * it means on another server.
 */
class StatementContextTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(1);

  private static Map<String, Object> session(SqlStatement st) {
    return st.session().stream()
        .collect(
            Collectors.toMap(
                SessionVariable::name, v -> v.value() == null ? "NULL" : v.value(), (a, b) -> b));
  }

  private static SqlStatement statement(List<Transaction> txs, String containing) {
    return txs.stream()
        .flatMap(t -> t.changes().stream())
        .filter(c -> c instanceof SqlStatement st && st.text().contains(containing))
        .map(SqlStatement.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no statement containing " + containing));
  }

  @Test
  void statementsCarryTheirSessionContext() throws Exception {
    check(DB.server(1));
  }

  /** The whole check against one server (also run against MariaDB 11.4). */
  static void check(SandboxServer server) throws Exception {
    BinlogPosition start = Extraction.head(server);
    Path csv = Files.createTempFile("ferry-load", ".csv");
    Files.writeString(csv, "1,one\n2,two\n3,\u00e9\n");
    Properties props = new Properties();
    props.setProperty("user", server.root().user());
    props.setProperty("password", server.root().password());
    props.setProperty("allowLocalInfile", "true");
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://127.0.0.1:" + server.port() + "/?sslMode=disable", props);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE ctx");
      st.execute(
          "CREATE TABLE ctx.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(50), n DOUBLE, d DECIMAL(10,3), ts DATETIME(6))");
      st.execute("CREATE TABLE ctx.l (id INT PRIMARY KEY, v VARCHAR(10))");
      st.execute("SET SESSION binlog_format = 'STATEMENT'");
      st.execute("USE ctx");
      st.execute("SET TIMESTAMP = 1700000000.123456");
      st.execute("INSERT INTO t (v, ts) VALUES ('at a time', NOW(6))");
      st.execute("SET TIMESTAMP = DEFAULT");
      st.execute("INSERT INTO t (v) VALUES ('auto')");
      st.execute("INSERT INTO t (v, n) VALUES ('last', LAST_INSERT_ID())");
      st.execute("INSERT INTO t (v, n) VALUES ('random', RAND())");
      st.execute(
          "SET @s = 'hello', @i = 42, @u = 18446744073709551615, @r = 1.5e0, @dec = 12.345, @nul = NULL");
      st.execute(
          "INSERT INTO t (v, n, d) VALUES (CONCAT(@s, IFNULL(@nul, '')), @i + @r, @dec + @u - @u)");
      st.execute("SET SESSION sql_mode = 'ANSI_QUOTES,NO_ZERO_DATE'");
      st.execute("SET SESSION time_zone = '+05:00'");
      st.execute("SET SESSION auto_increment_increment = 5, auto_increment_offset = 2");
      st.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
      // time_zone is logged only for statements whose meaning depends on it
      st.execute("INSERT INTO t (v, ts) VALUES ('context', FROM_UNIXTIME(0))");
      st.execute("SET NAMES latin1");
      st.execute("INSERT INTO t (v) VALUES ('latin \u00e9')");
      st.execute("SET NAMES utf8mb4");
      st.execute("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE l FIELDS TERMINATED BY ','");
      st.execute("SET SESSION binlog_format = 'MIXED'");
      st.execute("INSERT INTO t (v) VALUES ('mixed statement')");
      st.execute("INSERT INTO t (v) VALUES (UUID())");
      st.execute("CREATE TABLE ctx.done (id INT)");
    }
    List<Transaction> txs = Extraction.until(server, start, Extraction.marker("ctx"));

    Map<String, Object> timed = session(statement(txs, "'at a time'"));
    assertThat(timed.get("timestamp")).isEqualTo(new BigDecimal("1700000000.123456"));
    assertThat(statement(txs, "'at a time'").defaultSchema()).isEqualTo("ctx");

    assertThat(session(statement(txs, "'auto'"))).containsKey("insert_id");
    Map<String, Object> last = session(statement(txs, "LAST_INSERT_ID()"));
    assertThat(last).containsKeys("last_insert_id", "insert_id");
    Map<String, Object> random = session(statement(txs, "RAND()"));
    assertThat(random).containsKeys("rand_seed1", "rand_seed2");

    Map<String, Object> vars = session(statement(txs, "CONCAT(@s"));
    assertThat(vars.get("@s"))
        .isEqualTo(
            Text.of("hello").toString().equals(vars.get("@s").toString()) ? vars.get("@s") : null);
    assertThat(vars.get("@s").toString()).isEqualTo("hello");
    assertThat(vars.get("@i")).isEqualTo(42L);
    assertThat(vars.get("@u")).isEqualTo(new java.math.BigInteger("18446744073709551615"));
    assertThat(vars.get("@r")).isEqualTo(1.5);
    assertThat(vars.get("@dec")).isEqualTo(new BigDecimal("12.345"));
    assertThat(vars).containsEntry("@nul", "NULL");

    Map<String, Object> context = session(statement(txs, "'context'"));
    assertThat(context.get("time_zone")).isEqualTo("+05:00");
    assertThat(context.get("auto_increment_increment")).isEqualTo(5L);
    assertThat(context.get("auto_increment_offset")).isEqualTo(2L);
    assertThat(context.get("foreign_key_checks")).isEqualTo(0L);
    assertThat(context.get("unique_checks")).isEqualTo(0L);
    assertThat(context.get("sql_mode")).isInstanceOf(Long.class);
    assertThat((Long) context.get("sql_mode")).isNotZero();
    assertThat(context.get("pseudo_thread_id")).isInstanceOf(Long.class);

    SqlStatement latin = statement(txs, "'latin ");
    assertThat(latin.charset()).isEqualTo("latin1");
    assertThat(session(latin).get("character_set_client")).isEqualTo("latin1");
    // The driver sent UTF-8 bytes that the session read as latin1: the statement keeps the bytes
    // and their declared charset, so it means on a replica what it meant on the source.
    assertThat(java.util.HexFormat.of().formatHex(latin.sql())).contains("c3a9");
    assertThat(latin.text()).contains("latin \u00c3\u00a9");

    SqlStatement load = statement(txs, "LOAD DATA");
    Map<String, Object> loadVars = session(load);
    assertThat(new String((byte[]) loadVars.get("ferry.load_data.file"), StandardCharsets.UTF_8))
        .isEqualTo("1,one\n2,two\n3,\u00e9\n");
    long nameStart = (Long) loadVars.get("ferry.load_data.name_start");
    long nameEnd = (Long) loadVars.get("ferry.load_data.name_end");
    assertThat(
            new String(
                load.sql(), (int) nameStart, (int) (nameEnd - nameStart), StandardCharsets.UTF_8))
        .contains("INFILE");

    // Mixed: the deterministic statement stays a statement, UUID() becomes rows.
    statement(txs, "'mixed statement'");
    List<Change> uuid =
        txs.stream()
            .flatMap(t -> t.changes().stream())
            .filter(c -> c instanceof RowChanges rc && rc.table().equals("t"))
            .toList();
    assertThat(uuid).hasSize(1);
    Files.delete(csv);
  }
}
