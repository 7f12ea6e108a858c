package io.ferry.core.event;

import io.ferry.core.value.Charsets;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A statement as the source logged it: the SQL bytes in their character set (statements may carry
 * binary literals, so they are not forced into a Java string), the default schema, and the session
 * settings that change its meaning. Immutable.
 */
public final class SqlStatement implements Change {
  /**
   * The session variable that carries the error a statement failed with on the source, which logged
   * it all the same (it changed non-transactional tables before it failed): applied, it must fail
   * the same way.
   */
  public static final String ERROR_CODE = "ferry.error_code";

  private final byte[] sql;
  private final String charset;
  private final String defaultSchema;
  private final List<SessionVariable> session;

  public SqlStatement(
      byte[] sql, String charset, String defaultSchema, List<SessionVariable> session) {
    this(charset, sql.clone(), defaultSchema, session);
  }

  /** Takes the array without copying; only for this class's factories. */
  private SqlStatement(
      String charset, byte[] sql, String defaultSchema, List<SessionVariable> session) {
    if (charset == null) {
      throw new IllegalArgumentException("a statement needs the character set of its text");
    }
    this.sql = sql;
    this.charset = charset;
    this.defaultSchema = defaultSchema;
    this.session = List.copyOf(session);
  }

  /** A utf8mb4 statement. */
  public static SqlStatement of(String sql, String defaultSchema, List<SessionVariable> session) {
    return new SqlStatement(
        "utf8mb4", sql.getBytes(StandardCharsets.UTF_8), defaultSchema, session);
  }

  /** Takes the array without copying (decoders). */
  public static SqlStatement owning(
      byte[] sql, String charset, String defaultSchema, List<SessionVariable> session) {
    return new SqlStatement(charset, sql, defaultSchema, session);
  }

  public byte[] sql() {
    return sql.clone();
  }

  /** Read-only access for encoders: the caller must not modify the array. */
  public byte[] unsafeSql() {
    return sql;
  }

  public String charset() {
    return charset;
  }

  /** The schema the statement ran in ({@code USE}), or null. */
  public String defaultSchema() {
    return defaultSchema;
  }

  public List<SessionVariable> session() {
    return session;
  }

  /** The SQL decoded with its character set. */
  public String text() {
    return new String(sql, Charsets.forSqlName(charset));
  }

  @Override
  public long estimatedBytes() {
    return 64L + sql.length + 48L * session.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SqlStatement s
        && Arrays.equals(s.sql, sql)
        && s.charset.equals(charset)
        && Objects.equals(s.defaultSchema, defaultSchema)
        && s.session.equals(session);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(sql), charset, defaultSchema, session);
  }

  @Override
  public String toString() {
    return "SqlStatement[" + (defaultSchema == null ? "" : defaultSchema + ": ") + text() + "]";
  }
}
