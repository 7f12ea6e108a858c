package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Statement-based and mixed logs replayed on a target with their session context, and DDL applied
 * at commit boundaries of its own: the target ends up with the same rows, byte for byte.
 */
class ApplyStatementsTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(2);

  private static Connection connect(SandboxServer s) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", s.root().user());
    props.setProperty("password", s.root().password());
    props.setProperty("allowLocalInfile", "true");
    return DriverManager.getConnection(
        "jdbc:mariadb://127.0.0.1:" + s.port() + "/?sslMode=disable", props);
  }

  @Test
  void statementsMeanOnTheTargetWhatTheyMeantOnTheSource() throws Exception {
    SandboxServer source = DB.server(1);
    SandboxServer target = DB.server(2);
    BinlogPosition start = Extraction.head(source);
    Path csv = Files.createTempFile("ferry-load", ".csv");
    Files.writeString(csv, "1,one\n2,two\n3,\u00e9\n");
    try (DirectService direct = DirectService.start(source, target, "stmts", start);
        Connection c = connect(source);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE sctx");
      st.execute(
          "CREATE TABLE sctx.t (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(50), n DOUBLE,"
              + " d DECIMAL(30,3), ts DATETIME(6), tz TIMESTAMP(6) NULL)");
      st.execute("CREATE TABLE sctx.l (id INT PRIMARY KEY, v VARCHAR(10)) CHARSET latin1");
      st.execute("CREATE TABLE sctx.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM");
      st.execute("SET SESSION binlog_format = 'STATEMENT'");
      st.execute("USE sctx");
      st.execute("SET TIMESTAMP = 1700000000.123456");
      st.execute("INSERT INTO t (v, ts, tz) VALUES ('at a time', NOW(6), NOW(6))");
      st.execute("SET TIMESTAMP = DEFAULT");
      st.execute("INSERT INTO t (v) VALUES ('auto')");
      st.execute("INSERT INTO t (v, n) VALUES ('last', LAST_INSERT_ID())");
      st.execute("INSERT INTO t (v, n) VALUES ('random', RAND())");
      st.execute("SET @s = 'hello', @i = 42, @u = 18446744073709551615, @r = 1.5e0, @dec = 12.345");
      st.execute("SET @nul = NULL");
      st.execute(
          "INSERT INTO t (v, n, d) VALUES (CONCAT(@s, IFNULL(@nul, '')), @i + @r, @dec + @u)");
      st.execute("SET SESSION time_zone = '+05:00'");
      st.execute(
          "INSERT INTO t (v, ts, tz) VALUES ('zoned', FROM_UNIXTIME(1e9), FROM_UNIXTIME(1e9))");
      st.execute("SET SESSION auto_increment_increment = 5, auto_increment_offset = 2");
      st.execute("INSERT INTO t (v) VALUES ('stepped'), ('stepped again')");
      st.execute("SET SESSION auto_increment_increment = 1, auto_increment_offset = 1");
      st.execute("SET SESSION sql_mode = 'PIPES_AS_CONCAT'");
      st.execute("INSERT INTO t (v) VALUES ('pipes' || 'concat')");
      st.execute("SET SESSION sql_mode = DEFAULT");
      st.execute("SET NAMES latin1");
      st.execute("INSERT INTO l VALUES (9, 'latin \u00e9')");
      st.execute("SET NAMES utf8mb4");
      st.execute("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE l FIELDS TERMINATED BY ','");
      st.execute("INSERT INTO m VALUES (1, 1), (2, 2)");
      st.execute("UPDATE m SET v = v * 10");
      st.execute("SET SESSION binlog_format = 'MIXED'");
      st.execute("INSERT INTO t (v) VALUES ('mixed statement')");
      st.execute("INSERT INTO t (v) VALUES (UUID())");
      st.execute("SET SESSION binlog_format = 'ROW'");
      // DDL between rows: the table changes shape, rows after it use the new shape
      st.execute("ALTER TABLE t ADD COLUMN extra INT DEFAULT 7");
      st.execute("INSERT INTO t (v, extra) VALUES ('after ddl', 8)");
      st.execute("ALTER TABLE t DROP COLUMN tz, CHANGE v v VARCHAR(80)");
      st.execute("UPDATE t SET v = CONCAT(v, '!') WHERE v LIKE 'stepped%'");
      st.execute("RENAME TABLE t TO t2");
      st.execute("DELETE FROM t2 WHERE id = 2");
      direct.sync(source, target, Duration.ofSeconds(60));
    } finally {
      Files.delete(csv);
    }
    Compare.schema(source, target, "sctx");
    assertThat(Compare.rows(target, "sctx", "l")).hasSize(4);
  }
}
