package io.ferry.mysql;

import io.ferry.mysql.apply.ApplierSettings;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What real applications write into their binlogs, applied through a direct service and compared
 * with the source row by row (for row-based logging the source is what native replication would
 * hold): session settings of DDL that must not leak into later rows, a dropped and recreated
 * default schema, generated columns, keyless tables with BIT columns, BINARY keys that end in zero
 * bytes, long unique keys, compressed columns, MariaDB 5.3's temporal format, values only a
 * permissive sql_mode accepts, ucs2 sessions. Each is written on the source in one session, as an
 * application would.
 */
class ApplyFidelityTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(2);

  /** Runs the script on the source in one session, applies it, and compares the schema. */
  private static void replicate(String schema, String... script) throws Exception {
    SandboxServer source = DB.server(1);
    SandboxServer target = DB.server(2);
    DirectService.replicate(source, target, ApplierSettings.of("fid_" + schema), script);
    Compare.schema(source, target, schema);
  }

  @Test
  void aDdlStatementsTimeZoneDoesNotLeakIntoLaterRows() throws Exception {
    replicate(
        "tz",
        "CREATE DATABASE tz",
        "SET time_zone = '+03:00'",
        "CREATE TABLE tz.t (id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME,"
            + " d TIMESTAMP NOT NULL DEFAULT '2001-01-01 00:00:00')",
        "CREATE TABLE tz.c AS SELECT 1 AS id, FROM_UNIXTIME(86400) AS t",
        "SET time_zone = '+00:00'",
        "INSERT INTO tz.t (id, ts, dt) VALUES (1, '2003-01-01 00:00:00', '2003-01-01 00:00:00')",
        "SET time_zone = '-07:00'",
        "INSERT INTO tz.t (id, ts, dt) VALUES (2, '2003-01-01 00:00:00', '2003-01-01 00:00:00')");
  }

  @Test
  void aDdlStatementsSqlModeDoesNotLeakIntoLaterRows() throws Exception {
    replicate(
        "modes",
        "CREATE DATABASE modes",
        "SET sql_mode = ''",
        "CREATE TABLE modes.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
        "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
        "INSERT INTO modes.t VALUES (0, 1)",
        "INSERT INTO modes.t VALUES (5, 2)");
  }

  @Test
  void aDroppedAndRecreatedDefaultSchema() throws Exception {
    replicate(
        "shop",
        "CREATE DATABASE shop",
        "USE shop",
        "CREATE TABLE a (id INT PRIMARY KEY)",
        "DROP DATABASE shop",
        "CREATE DATABASE shop",
        "USE shop",
        "CREATE TABLE b (id INT PRIMARY KEY)",
        "INSERT INTO b VALUES (1)");
  }

  @Test
  void generatedColumnsAreNeitherWrittenNorUsedToLocateRows() throws Exception {
    replicate(
        "gen",
        "CREATE DATABASE gen",
        "CREATE TABLE gen.k (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL,"
            + " s INT AS (a + 1) PERSISTENT, j VARCHAR(20) AS (CONCAT('x', a)) STORED)",
        "CREATE TABLE gen.nokey (a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED)",
        "CREATE TABLE gen.uk (a INT NOT NULL, s INT AS (a + 1) STORED, UNIQUE KEY (s), b INT)",
        "INSERT INTO gen.k (id, a) VALUES (1, 1), (2, 2)",
        "INSERT INTO gen.nokey (a) VALUES (1), (1), (2)",
        "INSERT INTO gen.uk (a, b) VALUES (1, 1), (2, 2)",
        "UPDATE gen.k SET a = 10 WHERE id = 1",
        "DELETE FROM gen.k WHERE id = 2",
        "UPDATE gen.nokey SET a = 3 WHERE a = 2",
        "DELETE FROM gen.nokey WHERE a = 1 LIMIT 1",
        "UPDATE gen.uk SET b = 20 WHERE a = 2",
        "DELETE FROM gen.uk WHERE a = 1");
  }

  @Test
  void keylessTablesWithBitBlobAndOtherTypesAreLocated() throws Exception {
    replicate(
        "kl",
        "CREATE DATABASE kl",
        "CREATE TABLE kl.t (b BIT(5), w BIT(64), blb BLOB, txt TEXT, f FLOAT, d DOUBLE,"
            + " j JSON, e ENUM('a','b'), s SET('x','y'), g GEOMETRY, bin BINARY(3), y YEAR,"
            + " tm TIME(3), ts TIMESTAMP(6) NULL, dc DECIMAL(10,3))",
        "INSERT INTO kl.t VALUES (b'10101', b'1111111111111111111111111111111111111111111111111111111111111111',"
            + " X'00FF', 'text', 1.1, 2.2, '{\"a\": 1}', 'b', 'x,y', POINT(1, 2), X'0102',"
            + " 2001, '-10:00:00.5', '2003-01-01 01:02:03.456789', -1.5)",
        "INSERT INTO kl.t (b, w) VALUES (b'1', 0), (NULL, NULL)",
        "UPDATE kl.t SET b = b'00001' WHERE b = b'10101'",
        "UPDATE kl.t SET f = 3.3",
        "DELETE FROM kl.t");
  }

  @Test
  void aSignedColumnAfterAYearColumnStaysSigned() throws Exception {
    // MariaDB lists YEAR among the columns whose signedness its table map gives
    replicate(
        "yr",
        "CREATE DATABASE yr",
        "CREATE TABLE yr.t (y YEAR, a TINYINT, b TINYINT UNSIGNED, c SMALLINT, d BIGINT)",
        "INSERT INTO yr.t VALUES (2001, -128, 255, -1, -9223372036854775808), (0, 1, 1, 1, 1)",
        "DELETE FROM yr.t WHERE a = -128");
  }

  @Test
  void binaryValuesKeepTheirTrailingZeroBytes() throws Exception {
    replicate(
        "bin",
        "CREATE DATABASE bin",
        "CREATE TABLE bin.k (id BINARY(4) PRIMARY KEY, v INT)",
        "CREATE TABLE bin.nokey (b BINARY(2), v INT)",
        "INSERT INTO bin.k VALUES (X'61620000', 1), (X'00', 2)",
        "INSERT INTO bin.nokey VALUES (X'6100', 1), (X'0000', 2)",
        "UPDATE bin.k SET v = 10 WHERE id = X'61620000'",
        "UPDATE bin.k SET v = 20 WHERE id = X'00000000'",
        "DELETE FROM bin.nokey WHERE b = X'6100'",
        "UPDATE bin.nokey SET v = 3");
  }

  @Test
  void longUniqueKeysOnBlobs() throws Exception {
    replicate(
        "lu",
        "CREATE DATABASE lu",
        "CREATE TABLE lu.k (id INT PRIMARY KEY, b BLOB, UNIQUE (b))",
        "CREATE TABLE lu.nokey (b BLOB NOT NULL, t TEXT, v INT, UNIQUE (b), UNIQUE (t))",
        "INSERT INTO lu.k VALUES (1, REPEAT('a', 3000)), (2, 'b')",
        "INSERT INTO lu.nokey VALUES (REPEAT('x', 5000), 'one', 1), ('y', 'two', 2)",
        "UPDATE lu.k SET b = 'c' WHERE id = 2",
        "UPDATE lu.nokey SET v = 10",
        "DELETE FROM lu.nokey WHERE v = 10 AND b = 'y'",
        "DELETE FROM lu.k WHERE id = 1");
  }

  @Test
  void compressedColumns() throws Exception {
    replicate(
        "comp",
        "CREATE DATABASE comp",
        "CREATE TABLE comp.t (id INT PRIMARY KEY, v VARCHAR(1000) COMPRESSED,"
            + " b BLOB COMPRESSED, t TEXT COMPRESSED CHARACTER SET latin1,"
            + " vb VARBINARY(300) COMPRESSED)",
        "INSERT INTO comp.t VALUES (1, REPEAT('abc', 300), REPEAT('xyz', 3000),"
            + " REPEAT(_latin1 X'E9', 500), REPEAT(X'00', 250))",
        "INSERT INTO comp.t VALUES (2, 'a', 'b', 'c', X'01'), (3, '', '', '', ''),"
            + " (4, NULL, NULL, NULL, NULL)",
        "SET SESSION column_compression_zlib_wrap = ON",
        "INSERT INTO comp.t VALUES (5, REPEAT('wrapped', 50), REPEAT('w', 900), 'x', X'00')",
        "UPDATE comp.t SET v = REPEAT('u', 400) WHERE id = 2",
        "DELETE FROM comp.t WHERE id = 3");
  }

  @Test
  void mariaDb53TemporalFormat() throws Exception {
    try {
      replicate(
          "old",
          "CREATE DATABASE old",
          "SET GLOBAL mysql56_temporal_format = OFF",
          "CREATE TABLE old.t (id INT PRIMARY KEY, t0 TIME, t1 TIME(1), t3 TIME(3), t6 TIME(6),"
              + " d0 DATETIME, d2 DATETIME(2), d6 DATETIME(6), ts0 TIMESTAMP NULL,"
              + " ts3 TIMESTAMP(3) NULL, ts6 TIMESTAMP(6) NULL)",
          "SET GLOBAL mysql56_temporal_format = ON",
          "SET time_zone = '+00:00'",
          "INSERT INTO old.t VALUES (1, '-838:59:59', '12:34:56.7', '-01:02:03.004',"
              + " '838:59:58.999999', '2003-01-02 03:04:05', '0000-00-00 00:00:00.00',"
              + " '9999-12-31 23:59:59.999999', '2003-01-02 03:04:05', '1970-01-01 00:00:01.001',"
              + " '2038-01-19 03:14:07.999999')",
          "INSERT INTO old.t VALUES (2, '00:00:00', '-00:00:00.1', '00:00:00', '-838:59:59.000001',"
              + " NULL, '1000-01-01 00:00:00.01', '2003-01-02 03:04:05.000001', NULL, NULL, NULL)",
          "UPDATE old.t SET t1 = '01:00:00.9' WHERE id = 1",
          "DELETE FROM old.t WHERE id = 2");
    } finally {
      Extraction.sql(DB.server(1), "SET GLOBAL mysql56_temporal_format = ON");
    }
  }

  @Test
  void rowsASessionsPermissiveSqlModeAccepted() throws Exception {
    replicate(
        "perm",
        "CREATE DATABASE perm",
        "SET sql_mode = 'TRADITIONAL'",
        "CREATE TABLE perm.t (id INT AUTO_INCREMENT PRIMARY KEY, d DATE, dt DATETIME,"
            + " e ENUM('a','b') NOT NULL, f FLOAT(30,0), c CHAR(3), n TINYINT)",
        "SET sql_mode = 'ALLOW_INVALID_DATES'",
        "INSERT INTO perm.t (d, dt, e) VALUES ('2003-02-31', '2003-04-31 10:00:00', 'a')",
        "SET sql_mode = ''",
        "INSERT IGNORE INTO perm.t (e, f, c, n) VALUES ('zz', 1e40, 'abcdef', 300)",
        "INSERT INTO perm.t (d, dt, e) VALUES ('0000-00-00', '0000-00-00 00:00:00', 'b')",
        "INSERT INTO perm.t (d, e) VALUES ('2003-00-00', 'a')",
        "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO'",
        "INSERT INTO perm.t (id, e) VALUES (0, 'a')",
        "SET sql_mode = 'TRADITIONAL'",
        "UPDATE perm.t SET n = 5 WHERE id = 0");
  }

  @Test
  void aUcs2SessionDoesNotLeakIntoTheNextStatement() throws Exception {
    replicate(
        "ucs",
        "CREATE DATABASE ucs",
        "CREATE TABLE ucs.src (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO ucs.src VALUES (1, 'one'), (2, 'two')",
        "SET time_zone = '+03:00'",
        "SET collation_connection = 'ucs2_general_ci'",
        "CREATE TABLE ucs.copy AS SELECT id, v, CONCAT(v, 'x') AS w, FROM_UNIXTIME(id) AS t"
            + " FROM ucs.src",
        "SET collation_connection = 'utf32_general_ci'",
        "CREATE TABLE ucs.next AS SELECT 1 AS id, FROM_UNIXTIME(7200) AS t, 'd' AS w",
        "SET collation_connection = _utf8mb4'utf8mb4_general_ci'",
        "SET time_zone = '+00:00'",
        "INSERT INTO ucs.next VALUES (2, '2001-01-01 00:00:00', 'e')");
  }

  @Test
  void anInsertIdIsGivenToEveryStatementThatCarriesIt() throws Exception {
    // the server forgets INSERT_ID once a statement used it: the same value twice is set twice
    replicate(
        "oneshot",
        "CREATE DATABASE oneshot",
        "CREATE TABLE oneshot.a (id INT AUTO_INCREMENT PRIMARY KEY)",
        "CREATE TABLE oneshot.b (id INT AUTO_INCREMENT PRIMARY KEY)",
        "SET SESSION binlog_format = 'STATEMENT'",
        "SET INSERT_ID = 7",
        "INSERT INTO oneshot.a VALUES (NULL)",
        "SET INSERT_ID = 7",
        "INSERT INTO oneshot.b VALUES (NULL)",
        "SET SESSION binlog_format = 'ROW'");
  }

  @Test
  void aStatementThatFailedPartWayOnANonTransactionalTable() throws Exception {
    replicate(
        "partial",
        "CREATE DATABASE partial",
        "CREATE TABLE partial.m (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=MyISAM",
        "CREATE TABLE partial.a (id INT AUTO_INCREMENT PRIMARY KEY, v INT) ENGINE=Aria",
        "INSERT INTO partial.m VALUES (27, 0)",
        "INSERT INTO partial.a VALUES (27, 0)",
        "SET SESSION binlog_format = 'STATEMENT'",
        "?INSERT INTO partial.m VALUES (5, 1), (27, 2), (NULL, 3)",
        "?INSERT INTO partial.a VALUES (5, 1), (27, 2), (NULL, 3)",
        "INSERT INTO partial.m VALUES (NULL, 4)",
        // two statements of one transaction, each failed part-way with its own error
        "CREATE TABLE partial.n (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=MyISAM",
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES'",
        "BEGIN",
        "?INSERT INTO partial.m VALUES (6, 1), (27, 2)",
        "?INSERT INTO partial.n VALUES (1, 1), (2, NULL)",
        "COMMIT",
        "SET SESSION binlog_format = 'ROW'");
  }

  @Test
  void aTransactionsForeignKeyChecksStayWithItsOwnRows() throws Exception {
    // the delete is queued when the next transaction's rows restore the checks: it must be sent
    // with the checks its own transaction had (off: no cascade), as on the source
    replicate(
        "fk",
        "CREATE DATABASE fk",
        "CREATE TABLE fk.p (id INT PRIMARY KEY)",
        "CREATE TABLE fk.c (id INT PRIMARY KEY, p INT,"
            + " FOREIGN KEY (p) REFERENCES fk.p (id) ON DELETE CASCADE)",
        "INSERT INTO fk.p VALUES (1), (2)",
        "INSERT INTO fk.c VALUES (10, 1), (20, 2)",
        "SET foreign_key_checks = 0",
        "DELETE FROM fk.p WHERE id = 1",
        "SET foreign_key_checks = 1",
        "INSERT INTO fk.p VALUES (3)",
        "DELETE FROM fk.p WHERE id = 2");
  }

  @Test
  void savepointsStayInsideTheirTransaction() throws Exception {
    replicate(
        "sp",
        "CREATE DATABASE sp",
        "CREATE TABLE sp.t (id INT PRIMARY KEY, v INT)",
        "CREATE TABLE sp.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
        "BEGIN",
        "INSERT INTO sp.t VALUES (1, 1)",
        "SAVEPOINT s1",
        "INSERT INTO sp.t VALUES (2, 2)",
        "ROLLBACK TO SAVEPOINT s1",
        "INSERT INTO sp.t VALUES (3, 3)",
        "SAVEPOINT s2",
        "INSERT INTO sp.m VALUES (1, 1)",
        "INSERT INTO sp.t VALUES (4, 4)",
        "ROLLBACK TO SAVEPOINT s2",
        "RELEASE SAVEPOINT s1",
        "INSERT INTO sp.t VALUES (5, 5)",
        "COMMIT");
  }
}
