package io.ferry.mysql.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DdlScopeTest {
  /** Expected schemas joined by '+', or GLOBAL for null (the global shard). */
  @ParameterizedTest(name = "{1} with default {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app | CREATE DATABASE shop | shop",
        "    | CREATE SCHEMA IF NOT EXISTS `shop` | shop",
        "app | ALTER DATABASE CHARACTER SET utf8mb4 | app",
        "    | ALTER DATABASE CHARACTER SET utf8mb4 | GLOBAL",
        "app | DROP DATABASE IF EXISTS shop | shop",
        "app | CREATE TABLE t (id INT PRIMARY KEY) | app",
        "app | CREATE TABLE other.t (id INT) | other",
        "    | CREATE TABLE t (id INT) | GLOBAL",
        "app | CREATE TEMPORARY TABLE IF NOT EXISTS t (id INT) | app",
        "app | CREATE TABLE t LIKE other.t | app+other",
        "app | CREATE TABLE t (id INT, FOREIGN KEY (id) REFERENCES other.p (id)) | app+other",
        "app | CREATE TABLE t AS SELECT * FROM other.x | GLOBAL",
        "app | /* comment */ ALTER TABLE t ADD COLUMN c INT, RENAME COLUMN a TO b | app",
        "app | ALTER TABLE t RENAME TO other.u | app+other",
        "app | ALTER ONLINE IGNORE TABLE `x`.`t` DROP COLUMN c | x",
        "app | DROP TABLE IF EXISTS a, other.b | app+other",
        "app | RENAME TABLE a TO b, c TO other.c | app+other",
        "app | TRUNCATE TABLE x.t | x",
        "app | CREATE UNIQUE INDEX i ON other.t (c) | other",
        "app | DROP INDEX i ON t | app",
        "app | GRANT SELECT ON *.* TO 'u'@'%' | GLOBAL",
        "app | CREATE USER 'u'@'%' | GLOBAL",
        "app | CREATE VIEW v AS SELECT 1 | GLOBAL",
        "app | CREATE PROCEDURE p() BEGIN END | GLOBAL",
      })
  void schemasOf(String defaultSchema, String sql, String expected) {
    var scope = DdlScope.schemasOf(defaultSchema, sql);
    if (expected.equals("GLOBAL")) {
      assertThat(scope).isNull();
    } else {
      assertThat(scope).containsExactlyInAnyOrder(expected.split("\\+"));
    }
  }
}
