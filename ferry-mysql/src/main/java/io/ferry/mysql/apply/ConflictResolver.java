package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.core.event.Row;
import io.ferry.core.event.Transaction;
import io.ferry.core.value.Values;
import io.ferry.mysql.apply.ConflictPolicy.Detection;
import io.ferry.mysql.apply.ConflictPolicy.Resolution;
import io.ferry.mysql.apply.ConflictPolicy.Rule;
import io.ferry.mysql.apply.RowStatements.Shape;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Conflict detection and resolution for one applier. Detection costs nothing while there is no
 * conflict: an update or delete compares, beside the key, the columns its rule names ({@link
 * #checks}), so it finds no row when the target's row is not the one the change saw; an insert of
 * an existing key fails. Only then is the row read under lock ({@code FOR UPDATE}, in the apply
 * transaction), the conflict classified, a winner picked by the rule, the winner's version left on
 * the target, and the conflict written to {@code ferry_<service>.conflicts} in the same
 * transaction. A change that finds the target already holding its result is no conflict. When the
 * winner is picked the same way on every site (newer, priority), the resolved row is queued for
 * {@link Realigner realignment}. Not thread-safe: one applier.
 */
final class ConflictResolver {
  private final Connection connection;
  private final ConflictPolicy policy;
  private final ConflictLog log;
  private final Clock clock;
  private boolean realignsQueued;
  private final Map<ConflictTally.Key, Long> uncommitted =
      new TreeMap<>(
          java.util.Comparator.comparing(ConflictTally.Key::table)
              .thenComparing(ConflictTally.Key::type)
              .thenComparing(ConflictTally.Key::resolution));
  private final java.util.function.Consumer<ConflictLog.Entry> writeAlone;

  /**
   * @param writeAlone records a conflict that stops the service, outside the apply transaction
   *     (which is rolled back)
   */
  ConflictResolver(
      Connection connection,
      ConflictPolicy policy,
      ConflictLog log,
      Clock clock,
      java.util.function.Consumer<ConflictLog.Entry> writeAlone) {
    this.connection = connection;
    this.writeAlone = writeAlone;
    this.policy = policy;
    this.log = log;
    this.clock = clock;
  }

  ConflictPolicy policy() {
    return policy;
  }

  /**
   * The before-image columns an update or delete compares beside its key, for a rule.
   *
   * @param image the before-image columns the target writes
   */
  static List<Integer> checks(Rule rule, Shape s, Row row, List<Integer> image) {
    if (s.action() == Action.INSERT || !rule.detects()) {
      return List.of();
    }
    List<Integer> out = new ArrayList<>();
    for (int i : image) {
      if (s.whereColumns().contains(i)) {
        continue;
      }
      boolean take =
          switch (rule.detection()) {
            case BEFORE_IMAGE -> true;
            case CHANGED_COLUMNS ->
                s.action() == Action.DELETE || !Values.equal(row.before(i), row.after(i));
            case TIMESTAMP, VERSION -> s.names().get(i).equalsIgnoreCase(rule.column());
            default -> false;
          };
      if (take) {
        out.add(i);
      }
    }
    return out;
  }

  /** The index of a rule's column in a change, or -1. */
  static int columnOf(Rule rule, List<String> names) {
    for (int i = 0; rule.column() != null && i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(rule.column())) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Handles a change that found no row (update, delete) or an existing key (insert).
   *
   * @param s the statement's shape (with its checks)
   * @param keyColumns the table's locating key, as indexes into the change's columns
   * @return false for an insert whose key the target does not have (its duplicate is another unique
   *     key's: a drift, not a conflict on this row)
   */
  boolean resolve(
      Shape s, List<Integer> keyColumns, List<Integer> image, Row row, Rule rule, Object owner)
      throws SQLException {
    try {
      return resolveRow(s, keyColumns, image, row, rule, owner);
    } catch (SQLException e) {
      throw new RowApplyException(
              e,
              s.schema(),
              s.table(),
              RowStatements.parameterized(s),
              RowStatements.describe(s.as(Action.DELETE, List.of(), keyColumns), keyRow(s, row)),
              "while resolving a conflict (rule " + rule + "): " + e.getMessage())
          .owner(owner);
    }
  }

  private static Row keyRow(Shape s, Row row) {
    return s.action() == Action.INSERT
        ? Row.of(row.afterImage().toArray(), row.afterImage().toArray())
        : row;
  }

  /**
   * @param image the before-image columns the target writes (for a delete's image)
   */
  private boolean resolveRow(
      Shape s, List<Integer> keyColumns, List<Integer> image, Row row, Rule rule, Object owner)
      throws SQLException {
    boolean insert = s.action() == Action.INSERT;
    Shape key = s.as(s.action(), s.setColumns(), keyColumns);
    Row located = keyRow(s, row);
    Probe p = probe(key, located, s, row, rule);
    if (insert && !p.exists) {
      return false;
    }
    if (p.exists && p.sameAsResult) {
      return true; // the target holds what the change leads to already
    }
    String type =
        switch (s.action()) {
          case INSERT -> "insert-exists";
          case UPDATE -> p.exists ? "update-differs" : "update-missing";
          case DELETE -> p.exists ? "delete-differs" : "delete-missing";
        };
    Transaction tx = owner instanceof Transaction t ? t : null;
    String origin = tx == null ? null : tx.header().originService();
    boolean incomingWins = incomingWins(rule, type, p, origin);
    String keyText = RowStatements.describe(s.as(Action.DELETE, List.of(), keyColumns), located);
    boolean stop = rule.resolution() == Resolution.STOP;
    boolean realign =
        !stop
            && policy.realign()
            && rule.resolution().agreesEverywhere()
            && !type.equals("delete-missing")
            && (!incomingWins || p.exists);
    ConflictLog.Entry entry =
        new ConflictLog.Entry(
            tx == null ? -1 : tx.seqno(),
            origin,
            clock.instant(),
            tx == null ? -1 : tx.header().sourceCommitMicros(),
            s.schema(),
            s.table(),
            keyText,
            type,
            rule.toString(),
            row.hasBefore() ? image(s.names(), row.beforeImage()) : null,
            row.hasAfter() ? image(s.names(), row.afterImage()) : null,
            p.target,
            stop ? "stopped" : incomingWins ? "incoming" : "target",
            realign ? "pending" : null);
    if (stop) {
      writeAlone.accept(entry);
      policy.tally().add(new ConflictTally.Key(s.schema() + "." + s.table(), type, "stopped"), 1);
      throw stop(entry, s);
    }
    if (incomingWins) {
      applyIncoming(s, key, row, p.exists);
    }
    if (realign) {
      // what the realignment sends, exactly: the row's key, and the change's image for a row
      // the target does not have
      boolean after = row.hasAfter();
      log.write(
          connection,
          entry,
          keyCondition(new StringBuilder(), s.names(), keyColumns, located).toString(),
          RowStatements.render(
              s.as(Action.INSERT, after ? s.setColumns() : image, List.of()),
              Row.insert((after ? row.afterImage() : row.beforeImage()).toArray())));
      realignsQueued = true;
    } else {
      log.write(connection, entry);
    }
    uncommitted.merge(
        new ConflictTally.Key(s.schema() + "." + s.table(), type, entry.resolution()),
        1L,
        Long::sum);
    return true;
  }

  /** What the target holds for the key. */
  private record Probe(boolean exists, boolean sameAsResult, int newer, String target) {}

  /**
   * Reads the target's row under lock: whether it exists, whether it already equals what the change
   * leads to, how the rule's column compares (positive: the target's is newer), and its values.
   */
  private Probe probe(Shape key, Row located, Shape s, Row row, Rule rule) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ");
    if (s.action() == Action.DELETE) {
      sql.append("0");
    } else {
      sql.append("(");
      for (int k = 0; k < s.setColumns().size(); k++) {
        int i = s.setColumns().get(k);
        sql.append(k == 0 ? "" : " AND ");
        RowStatements.sameValue(sql, s.names().get(i), row.after(i));
      }
      sql.append(s.setColumns().isEmpty() ? "1)" : ")");
    }
    int col = columnOf(rule, s.names());
    if (col >= 0) {
      Object incoming = row.hasAfter() ? row.after(col) : row.before(col);
      String c = RowStatements.quote(s.names().get(col));
      sql.append(", CASE WHEN ").append(c).append(" > ");
      ExactLiterals.append(sql, incoming);
      sql.append(" THEN 1 WHEN ").append(c).append(" < ");
      ExactLiterals.append(sql, incoming);
      sql.append(" THEN -1 ELSE 0 END");
    } else {
      sql.append(", 0");
    }
    sql.append(", t.* FROM ")
        .append(RowStatements.quote(s.schema()))
        .append('.')
        .append(RowStatements.quote(s.table()))
        .append(" t WHERE ");
    keyCondition(sql, s.names(), key.whereColumns(), located).append(" FOR UPDATE");
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery(sql.toString())) {
      if (!rs.next()) {
        return new Probe(false, false, 0, null);
      }
      return new Probe(true, rs.getInt(1) == 1, rs.getInt(2), rowText(rs, 3));
    }
  }

  private boolean incomingWins(Rule rule, String type, Probe p, String origin) {
    return switch (rule.resolution()) {
      case STOP, INCOMING -> true;
      case TARGET -> false;
      case NEWER -> {
        if (!p.exists) {
          yield true; // update of a row deleted here: no version to compare, the change's stands
        }
        if (type.equals("delete-differs")) {
          yield p.newer <= 0;
        }
        yield p.newer < 0 || (p.newer == 0 && tieGoesToIncoming(origin));
      }
      case PRIORITY -> {
        int incoming = policy.rank(origin);
        int here = policy.rank(policy.site());
        yield incoming < here || (incoming == here && tieGoesToIncoming(origin));
      }
    };
  }

  /** Equal versions: the origin first in the priority list (else by name) wins, on every site. */
  private boolean tieGoesToIncoming(String origin) {
    String site = policy.site();
    if (site == null || origin == null) {
      return true;
    }
    int a = policy.rank(origin);
    int b = policy.rank(site);
    return a != b ? a < b : origin.compareTo(site) < 0;
  }

  /** Leaves the incoming change's version on the target, whatever the target had. */
  private void applyIncoming(Shape s, Shape key, Row row, boolean exists) throws SQLException {
    String sql;
    switch (s.action()) {
      case INSERT ->
          sql =
              RowStatements.render(
                  key.as(Action.UPDATE, s.setColumns(), key.whereColumns()),
                  Row.of(row.afterImage().toArray(), row.afterImage().toArray()));
      case UPDATE ->
          sql =
              exists
                  ? RowStatements.render(
                      key.as(Action.UPDATE, s.setColumns(), key.whereColumns()), row)
                  : RowStatements.render(
                      key.as(Action.INSERT, s.setColumns(), List.of()),
                      Row.insert(row.afterImage().toArray()));
      case DELETE -> {
        if (!exists) {
          return;
        }
        sql = RowStatements.render(key.as(Action.DELETE, List.of(), key.whereColumns()), row);
      }
      default -> throw new IllegalStateException(s.action().toString());
    }
    try (Statement st = connection.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  private RowApplyException stop(ConflictLog.Entry e, Shape s) {
    return new RowApplyException(
        null,
        s.schema(),
        s.table(),
        RowStatements.parameterized(s),
        e.key(),
        "conflict "
            + e.type()
            + " (detection "
            + e.detection()
            + ", resolution stop) with the change from origin "
            + e.origin()
            + ": the target's row is "
            + (e.target() == null ? "missing" : e.target())
            + ", the change expected "
            + (e.before() == null ? "no row" : e.before())
            + ". Fix the row by hand and bring the service online, or choose a resolution"
            + " (apply.conflicts.resolve / apply.conflicts.tables, docs/multi-master.md)");
  }

  /** {@code k1 = v1 AND ...}: the row's key, from its before image, with exact literals. */
  private static StringBuilder keyCondition(
      StringBuilder sb, List<String> names, List<Integer> key, Row located) {
    for (int k = 0; k < key.size(); k++) {
      int i = key.get(k);
      sb.append(k == 0 ? "" : " AND ").append(RowStatements.quote(names.get(i))).append(" = ");
      ExactLiterals.append(sb, located.before(i));
    }
    return sb;
  }

  /** Whether the block applied so far queued realignments (their rows are in the table). */
  boolean realignsQueued() {
    return realignsQueued;
  }

  /** The block committed: its conflicts count. */
  void committed() {
    uncommitted.forEach((k, v) -> policy.tally().add(k, v));
    uncommitted.clear();
    realignsQueued = false;
  }

  /** The block rolled back: its conflicts were not resolved after all. */
  void rolledBack() {
    uncommitted.clear();
    realignsQueued = false;
  }

  private static String image(List<String> names, List<Object> values) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < values.size() && i < names.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ");
      sb.append(Values.display(values.get(i)));
    }
    return sb.append('}').toString();
  }

  private static String rowText(ResultSet rs, int from) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    StringBuilder sb = new StringBuilder("{");
    for (int c = from; c <= md.getColumnCount(); c++) {
      Object v = rs.getObject(c);
      sb.append(c == from ? "" : ", ").append(md.getColumnLabel(c)).append(": ");
      sb.append(
          v == null
              ? "NULL"
              : v instanceof byte[] b ? "X'" + HexFormat.of().formatHex(b) + "'" : v);
    }
    return sb.append('}').toString();
  }

  /** Whether a rule can run on a table: it needs a key, and its column. */
  static String unusable(Rule rule, Shape s, TargetTable t) {
    if (t.locatingKey().isEmpty()) {
      return "conflict detection ("
          + rule
          + ") needs a primary key or a unique key over NOT NULL columns, which the target table"
          + " has not: add one, or set the table's rule to none in apply.conflicts.tables";
    }
    if (rule.detection() == Detection.TIMESTAMP || rule.detection() == Detection.VERSION) {
      if (columnOf(rule, s.names()) < 0) {
        return "conflict detection "
            + rule
            + " names column `"
            + rule.column()
            + "`, which the table's changes do not have";
      }
    }
    return null;
  }
}
