package io.ferry.mysql.apply;

import io.ferry.core.event.Action;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.mysql.apply.ConflictPolicy.Rule;
import io.ferry.mysql.apply.RowStatements.Shape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies row changes. Each row becomes one statement ({@link RowStatements}): an insert, or an
 * update or delete that locates the row by the target's primary key, else a unique NOT NULL key,
 * else the whole before image (NULL safe, one row; such tables are listed in {@link
 * #keylessTables()}). Generated columns are never written. Rows are queued and sent many statements
 * to a round trip, as text with exact literals ({@link ExactLiterals}); a row with huge values goes
 * alone as a prepared statement with binary parameters. Every update and delete must find its row:
 * a missing row means the target has drifted, and is an error. When a round trip of many statements
 * fails, the server does not say which one; {@link #precise} mode (one statement per round trip)
 * finds it when the block is applied again. In idempotent mode (re-applying a transaction a crash
 * may have half-applied) an insert overwrites an existing row and a missing row is passed over. A
 * table with triggers that do not test {@code @ferry_service} is refused when the applier is told
 * to keep triggers from firing. Not thread-safe: one applier.
 */
final class RowApplier {
  private static final int MAX_STATEMENTS = 500;
  private static final int MAX_CHARS = 512 * 1024;
  private static final long MAX_TEXT_ROW = 2L << 20;

  /**
   * A row's statement, waiting to be sent; {@code rule} is its conflict rule (null: none), with the
   * table's locating key as indexes into the change's columns.
   */
  private record Pending(
      String sql,
      Shape shape,
      Row row,
      Object owner,
      Rule rule,
      List<Integer> key,
      List<Integer> image) {}

  private final Connection connection;
  private final boolean refuseUnguardedTriggers;
  private final Map<String, TargetTable> tables = new HashMap<>();
  private final Set<String> keyless = new TreeSet<>();
  private final Set<String> triggers = new TreeSet<>();
  private final List<Pending> pending = new ArrayList<>();
  private int pendingChars;
  private Statement text;
  private long rowsApplied;
  private boolean precise;
  private ConflictResolver conflicts;
  private final Map<String, Rule> rules = new HashMap<>();

  /**
   * @param refuseUnguardedTriggers whether rows for a table with a trigger that does not test
   *     {@code @ferry_service} are refused (the applier keeps triggers from firing twice)
   */
  RowApplier(Connection connection, boolean refuseUnguardedTriggers) {
    this.connection = connection;
    this.refuseUnguardedTriggers = refuseUnguardedTriggers;
  }

  /** Detects and resolves conflicts from now on (multi-master). */
  void detectConflicts(ConflictResolver resolver) {
    this.conflicts = resolver;
    rules.clear();
  }

  /** Tables whose rows are located by their whole before image (no usable key). */
  Set<String> keylessTables() {
    return Set.copyOf(keyless);
  }

  /** Triggers on tables rows were applied to: {@code schema.table.trigger (guarded|unguarded)}. */
  Set<String> triggers() {
    return Set.copyOf(triggers);
  }

  long rowsApplied() {
    return rowsApplied;
  }

  /** One statement per round trip, so that a failing row is known exactly. */
  void precise(boolean on) {
    this.precise = on;
  }

  /** Forgets table definitions (after DDL). */
  void forgetTables() {
    tables.clear();
  }

  /** Drops rows not yet sent (after a rollback). */
  void discard() {
    pending.clear();
    pendingChars = 0;
  }

  void close() {
    discard();
    forgetTables();
    if (text != null) {
      try {
        text.close();
      } catch (SQLException e) {
        // a statement on a broken connection: nothing to release
      }
      text = null;
    }
  }

  /**
   * Queues the rows of a change. {@code owner} (the transaction) is handed back in the error if one
   * of these rows fails.
   */
  void add(RowChanges rc, boolean idempotent, Object owner) throws SQLException {
    if (rc.rows().isEmpty()) {
      return;
    }
    TargetTable t = table(rc.schema(), rc.table());
    checkTriggers(t, rc);
    Shape shape = RowStatements.forTarget(rc, t, RowStatements.names(rc), idempotent);
    if (shape.wholeImage()) {
      keyless.add(t.qualifiedName());
    }
    if (shape.action() == Action.UPDATE && shape.setColumns().isEmpty()) {
      return; // only generated columns changed: the target computes them
    }
    Rule rule = ruleOf(t, shape);
    if (rule != null && idempotent) {
      // a transaction applied again after a crash: its rows meet what it did already, which the
      // resolver passes over as no conflict, and anything else is a conflict as the first time
      shape = RowStatements.forTarget(rc, t, RowStatements.names(rc), false);
    }
    List<Integer> image = List.of();
    List<Integer> key = null;
    if (rule != null) {
      image =
          rc.action() == Action.INSERT
              ? List.of()
              : RowStatements.written(rc.beforeColumns(), shape.names(), t, rc);
      key = rc.action() == Action.INSERT ? keyOf(t, shape) : shape.whereColumns();
      String lacking = lacking(rule, rc, shape, image, key, t);
      if (lacking != null) {
        throw RowStatements.tableError(rc, lacking);
      }
    }
    for (Row row : rc.rows()) {
      Shape rowShape =
          rule == null ? shape : shape.withChecks(ConflictResolver.checks(rule, shape, row, image));
      if (RowStatements.textLength(rowShape, row) > MAX_TEXT_ROW) {
        flush();
        prepared(rowShape, row, owner, rule, key, image);
        continue;
      }
      String sql = RowStatements.render(rowShape, row);
      pending.add(new Pending(sql, rowShape, row, owner, rule, key, image));
      pendingChars += sql.length();
      if (precise || pending.size() >= MAX_STATEMENTS || pendingChars >= MAX_CHARS) {
        flush();
      }
    }
  }

  /** The conflict rule of a table, or null when it detects none. */
  private Rule ruleOf(TargetTable t, Shape shape) {
    if (conflicts == null) {
      return null;
    }
    Rule rule =
        rules.computeIfAbsent(
            t.qualifiedName(), n -> conflicts.policy().ruleFor(t.schema(), t.name()));
    if (!rule.detects()) {
      return null;
    }
    String why = ConflictResolver.unusable(rule, shape, t);
    if (why != null) {
      throw new RowApplyException(null, t.schema(), t.name(), null, null, why);
    }
    return rule;
  }

  /** What a change lacks for its conflict rule (the key, or the rule's column), or null. */
  private static String lacking(
      Rule rule,
      RowChanges rc,
      Shape shape,
      List<Integer> image,
      List<Integer> key,
      TargetTable t) {
    if (rc.action() != Action.INSERT
        && (!rc.beforeColumns().isAll()
            || (rc.action() == Action.UPDATE && !rc.afterColumns().isAll()))) {
      return "conflict detection ("
          + rule
          + ") needs whole row images, and this change has "
          + rc.image()
          + " ones: extract with binlog_row_image=FULL on the source";
    }
    if (key.size() != t.locatingKey().size()) {
      return "conflict detection needs the target's key "
          + t.locatingKey()
          + " in every change, and this insert lacks some of it";
    }
    int col = ConflictResolver.columnOf(rule, shape.names());
    if (col >= 0 && shape.action() != Action.INSERT && !image.contains(col)) {
      return "conflict detection "
          + rule
          + " needs column `"
          + rule.column()
          + "` in the change's before image, which lacks it: extract with binlog_row_image=FULL";
    }
    return null;
  }

  /** The table's locating key as indexes into a change's columns. */
  private static List<Integer> keyOf(TargetTable t, Shape shape) {
    List<Integer> key = new ArrayList<>();
    for (String k : t.locatingKey()) {
      for (int i = 0; i < shape.names().size(); i++) {
        if (shape.names().get(i).equalsIgnoreCase(k)) {
          key.add(i);
          break;
        }
      }
    }
    return key;
  }

  private void checkTriggers(TargetTable t, RowChanges rc) {
    for (TargetTable.Trigger tr : t.triggers()) {
      triggers.add(
          t.qualifiedName() + "." + tr.name() + (tr.guarded() ? " (guarded)" : " (unguarded)"));
    }
    List<TargetTable.Trigger> unguarded = t.unguardedTriggers();
    if (refuseUnguardedTriggers && !unguarded.isEmpty()) {
      throw RowStatements.tableError(
          rc,
          "the target table has "
              + (unguarded.size() == 1 ? "a trigger" : unguarded.size() + " triggers")
              + " ("
              + String.join(", ", unguarded.stream().map(TargetTable.Trigger::name).toList())
              + ") that would fire for the rows Ferry applies, where native row replication fires"
              + " none: their effects, replicated too, would be applied twice. Make each trigger"
              + " skip Ferry's rows (begin its body with IF @ferry_service IS NULL THEN ..."
              + " END IF; see docs/applier.md), or let triggers fire with apply.triggers=fire");
    }
  }

  /** The target's definition of a table (cached until {@link #forgetTables}). */
  TargetTable table(String schema, String name) throws SQLException {
    TargetTable t = tableIfExists(schema, name);
    if (t == null) {
      throw new RowApplyException(
          null,
          schema,
          name,
          null,
          null,
          "the target has no table `" + schema + "`.`" + name + "`");
    }
    return t;
  }

  /** The target's definition of a table, or null if it has none (not cached). */
  TargetTable tableIfExists(String schema, String name) throws SQLException {
    String key = schema + "." + name;
    TargetTable t = tables.get(key);
    if (t == null) {
      t = TargetTable.load(connection, schema, name);
      if (t != null) {
        tables.put(key, t);
      }
    }
    return t;
  }

  /** Sends queued statements and checks that every update and delete found its row. */
  void flush() throws SQLException {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = new ArrayList<>(pending);
    discard();
    if (text == null) {
      text = connection.createStatement();
    }
    if (batch.size() == 1 || precise) {
      for (Pending p : batch) {
        int count;
        try {
          count = text.executeUpdate(p.sql());
        } catch (SQLException e) {
          if (conflictOnInsert(e, p)) {
            continue;
          }
          throw failure(e, p);
        }
        check(p, count, false);
      }
      return;
    }
    StringBuilder sql = new StringBuilder(pendingCharsOf(batch) + batch.size() * 2);
    for (Pending p : batch) {
      sql.append(p.sql()).append(";\n");
    }
    List<Integer> counts = new ArrayList<>(batch.size());
    try {
      text.execute(sql.toString());
      counts.add(text.getUpdateCount());
      while (text.getMoreResults() || text.getUpdateCount() != -1) {
        counts.add(text.getUpdateCount());
      }
    } catch (SQLException e) {
      throw new AmbiguousBatchException(e, batch.size(), batch.get(0).owner());
    }
    if (counts.size() != batch.size()) {
      throw new IllegalStateException(
          "the target answered " + batch.size() + " statements with " + counts.size() + " results");
    }
    for (int i = 0; i < batch.size(); i++) {
      check(batch.get(i), counts.get(i), true);
    }
  }

  /** An insert's duplicate key under a conflict rule: resolved; else false. */
  private boolean conflictOnInsert(SQLException e, Pending p) throws SQLException {
    if (p.rule() == null || e.getErrorCode() != 1062 || p.shape().action() != Action.INSERT) {
      return false; // an update onto another row's unique key is a drift, not this row's conflict
    }
    if (!conflicts.resolve(p.shape(), p.key(), p.image(), p.row(), p.rule(), p.owner())) {
      return false; // the duplicate is another unique key's: a drift, not this row's conflict
    }
    rowsApplied++;
    return true;
  }

  private static int pendingCharsOf(List<Pending> batch) {
    int n = 0;
    for (Pending p : batch) {
      n += p.sql().length();
    }
    return n;
  }

  private void check(Pending p, int count, boolean inBatch) throws SQLException {
    rowsApplied++;
    Shape s = p.shape();
    if (count == 0 && p.rule() != null && s.action() != Action.INSERT) {
      if (inBatch) {
        // later statements of the round trip ran already: resolve it with the block applied again,
        // one statement at a time
        throw new AmbiguousBatchException(
            new SQLException(
                "a conflict on `" + s.schema() + "`.`" + s.table() + "` (" + s.action() + ")"),
            1,
            p.owner());
      }
      conflicts.resolve(s, p.key(), p.image(), p.row(), p.rule(), p.owner());
      return;
    }
    if (count == 0 && s.action() != Action.INSERT && !s.idempotent()) {
      throw new RowApplyException(
              null,
              s.schema(),
              s.table(),
              RowStatements.parameterized(s),
              RowStatements.describe(s, p.row()),
              (s.action() == Action.UPDATE ? "the row to update" : "the row to delete")
                  + " is not on the target")
          .owner(p.owner());
    }
  }

  private static RowApplyException failure(SQLException e, Pending p) {
    return new RowApplyException(
            e,
            p.shape().schema(),
            p.shape().table(),
            RowStatements.parameterized(p.shape()),
            RowStatements.describe(p.shape(), p.row()))
        .owner(p.owner());
  }

  /** A row with values too big for a text statement: binary parameters, one round trip. */
  private void prepared(
      Shape s, Row row, Object owner, Rule rule, List<Integer> key, List<Integer> image)
      throws SQLException {
    String sql = RowStatements.parameterized(s, row);
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int p = 1;
      for (Object v : RowStatements.parameters(s, row)) {
        ValueBinder.bind(ps, p++, v);
      }
      Pending pend = new Pending(sql, s, row, owner, rule, key, image);
      int count;
      try {
        count = ps.executeUpdate();
      } catch (SQLException e) {
        if (conflictOnInsert(e, pend)) {
          return;
        }
        throw failure(e, pend);
      }
      check(pend, count, false);
    }
  }

  /**
   * A round trip of several statements failed and the server did not say which one. Retriable: the
   * block is applied again, statement by statement, to find the row (or pass, if the cause was
   * passing).
   */
  static final class AmbiguousBatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient Object firstOwner;
    final int statements;

    AmbiguousBatchException(SQLException cause, int statements, Object firstOwner) {
      super(cause.getMessage(), cause);
      this.statements = statements;
      this.firstOwner = firstOwner;
    }

    SQLException sqlError() {
      return (SQLException) getCause();
    }
  }
}
