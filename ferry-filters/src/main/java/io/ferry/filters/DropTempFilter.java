package io.ferry.filters;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SessionVariable;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.filters.StatementScope.Rename;
import io.ferry.filters.StatementScope.TableName;
import io.ferry.mysql.sql.SqlTokenizer;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops temporary-table traffic and scratch schemas (see {@link DropTempFilterFactory}). Keeps the
 * names of the temporary tables each session (the statement's {@code pseudo_thread_id}) created
 * earlier in the log and has not dropped since; a statement is dropped when every table it changes
 * is a temporary table of its own session (or in a scratch schema), whatever its kind. A kept
 * statement that names a temporary table of its session (it reads one into a real table) stops the
 * service, or passes with {@code on-temp-source = keep}. Statements without a {@code
 * pseudo_thread_id} share one set of names with every session. The names are forgotten when the
 * filter restarts. Thread-compatible (one task thread, transactions in order).
 */
final class DropTempFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(DropTempFilter.class);
  static final String THREAD_ID = "pseudo_thread_id";

  private final String name;
  private final List<NamePattern> schemas;
  private final boolean failOnTempSource;

  /** The temporary tables of each session; the null key for statements without a session. */
  private final Map<Long, Set<TableName>> temporary = new HashMap<>();

  private boolean warnedNoThread;

  // A stage that retries re-reads from its last commit with the same filter: what it believed
  // then is restored, so a replayed statement is judged as the first time. Kept: the state before
  // each fragment that changed it, for the last REPLAYABLE such fragments.
  private static final int REPLAYABLE = 1000;
  private final java.util.TreeMap<Long, Map<Long, Set<TableName>>> before =
      new java.util.TreeMap<>();
  private long last = -1;
  private long current = -1;
  private long forgottenBelow = -1;

  DropTempFilter(String name, List<NamePattern> schemas, boolean failOnTempSource) {
    this.name = name;
    this.schemas = schemas;
    this.failOnTempSource = failOnTempSource;
  }

  private boolean scratch(String schema) {
    for (NamePattern p : schemas) {
      if (p.matchesSchema(schema)) {
        return true;
      }
    }
    return false;
  }

  /** The temporary tables it believes session {@code thread} has now (for tests and status). */
  Set<TableName> temporaryTables(Long thread) {
    return Set.copyOf(temporary.getOrDefault(thread, Set.of()));
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (tx.heartbeat() != null || tx.changes().isEmpty()) {
      return tx;
    }
    long at = (tx.seqno() << 20) | Math.min(tx.fragno(), 0xFFFFF);
    if (at <= last) {
      rewind(tx, at);
    }
    last = at;
    current = at;
    return ChangeEdit.apply(tx, c -> edit(tx, c));
  }

  /** A fragment seen before: back to what the filter knew before it first saw it. */
  private void rewind(Transaction tx, long at) {
    if (at < forgottenBelow) {
      throw new RoutingFailure(
          "filter "
              + name
              + " (drop-temp): seqno "
              + tx.seqno()
              + " is read again, and what the filter knew of temporary tables then is no longer"
              + " kept (it keeps the last "
              + REPLAYABLE
              + " changes); take the service offline and bring it online again (it starts"
              + " afresh), checking that no session had temporary tables open at that seqno",
          tx.seqno(),
          tx.header().nativePosition());
    }
    Map.Entry<Long, Map<Long, Set<TableName>>> e = before.ceilingEntry(at);
    if (e != null) {
      temporary.clear();
      e.getValue().forEach((k, v) -> temporary.put(k, new HashSet<>(v)));
      before.tailMap(at, true).clear();
    }
  }

  /** Keeps the state as it was before the fragment being filtered first changed it. */
  private void remember() {
    if (before.containsKey(current)) {
      return;
    }
    Map<Long, Set<TableName>> copy = new HashMap<>();
    temporary.forEach((k, v) -> copy.put(k, new HashSet<>(v)));
    before.put(current, copy);
    if (before.size() > REPLAYABLE) {
      forgottenBelow = before.pollFirstEntry().getKey() + 1;
    }
  }

  private Change edit(Transaction tx, Change c) {
    if (c instanceof RowChanges rc) {
      return scratch(rc.schema()) ? null : rc;
    }
    if (!(c instanceof SqlStatement s)) {
      return c;
    }
    Long thread = thread(tx, s);
    StatementScope scope = StatementScope.of(s);
    if (scope.kind() == StatementKind.TEMPORARY_TABLE) {
      remember();
      if (scope.verb().equals("CREATE")) {
        temporary.computeIfAbsent(thread, k -> new HashSet<>()).addAll(scope.tables());
      } else {
        forget(thread, scope.tables());
      }
      return null;
    }
    Set<TableName> temp = temporaryOf(thread);
    if (temp.isEmpty()) {
      StatementScope.Verdict v = scope.route((sc, t) -> !scratch(sc), sc -> !scratch(sc));
      return v == StatementScope.Verdict.DROP ? null : s;
    }
    // a rename of a temporary table makes its new name temporary (ALTER TABLE tmp RENAME TO t2)
    Set<TableName> after = new HashSet<>(temp);
    for (Rename r : scope.renames()) {
      if (after.remove(r.from())) {
        after.add(r.to());
      }
    }
    boolean ddl = scope.kind() == StatementKind.DDL;
    StatementScope.Verdict v =
        scope.route(
            (sc, t) -> {
              TableName n = new TableName(sc, t);
              return !scratch(sc) && !temp.contains(n) && !after.contains(n);
            },
            sc -> !scratch(sc));
    if (ddl && dropsTables(s)) {
      remember();
      forget(thread, scope.tables()); // DROP TABLE drops a temporary table of that name first
    }
    if (v == StatementScope.Verdict.DROP) {
      if (!scope.renames().isEmpty()) {
        remember();
      }
      for (Rename r : scope.renames()) {
        for (Map.Entry<Long, Set<TableName>> e : temporary.entrySet()) {
          if ((thread == null || thread.equals(e.getKey())) && e.getValue().remove(r.from())) {
            e.getValue().add(r.to());
          }
        }
      }
      return null;
    }
    Set<TableName> named = new LinkedHashSet<>(scope.tables());
    named.addAll(StatementScope.readTables(s.defaultSchema(), s.text()));
    named.retainAll(temp);
    if (!named.isEmpty() && failOnTempSource) {
      throw new RoutingFailure(
          "filter "
              + name
              + " (drop-temp): seqno "
              + tx.seqno()
              + ": the statement '"
              + abbreviated(s.text())
              + "'"
              + (thread == null ? "" : " of session " + thread + " (pseudo_thread_id)")
              + " changes a table that is not temporary and names the temporary table"
              + (named.size() == 1 ? " " : "s ")
              + String.join(", ", named.stream().map(TableName::toString).toList())
              + ", which the filter drops: on the target it would fail or write other data. Log"
              + " that session's statements as rows (SET SESSION binlog_format = ROW before it"
              + " creates temporary tables, or binlog_format = ROW on the source: MariaDB's MIXED"
              + " logs temporary tables as statements), or set filter."
              + name
              + ".on-temp-source = keep to pass such statements, then skip or repair this seqno",
          tx.seqno(),
          tx.header().nativePosition());
    }
    return s;
  }

  private void forget(Long thread, Set<TableName> tables) {
    if (thread != null) {
      Set<TableName> own = temporary.get(thread);
      if (own != null) {
        own.removeAll(tables);
      }
    } else {
      for (Set<TableName> own : temporary.values()) {
        own.removeAll(tables);
      }
    }
    temporary.values().removeIf(Set::isEmpty);
  }

  /** The session's temporary tables; without a session, every session's. */
  private Set<TableName> temporaryOf(Long thread) {
    if (thread != null) {
      return temporary.getOrDefault(thread, Set.of());
    }
    Set<TableName> all = new HashSet<>();
    temporary.values().forEach(all::addAll);
    return all;
  }

  private Long thread(Transaction tx, SqlStatement s) {
    for (SessionVariable v : s.session()) {
      if (v.name().equals(THREAD_ID) && v.value() instanceof Number n) {
        return n.longValue();
      }
    }
    if (!warnedNoThread) {
      warnedNoThread = true;
      log.warn(
          "filter {} (drop-temp): seqno {}: a statement without {}: the temporary tables of all"
              + " sessions are one set of names for such statements",
          name,
          tx.seqno(),
          THREAD_ID);
    }
    return null;
  }

  /** DROP TABLE(S), which drops a temporary table of each name first. */
  private static boolean dropsTables(SqlStatement s) {
    List<SqlTokenizer.Token> t = SqlTokenizer.tokenize(StatementClassifier.unwrap(s.text()), 2);
    return t.size() == 2 && t.get(0).is("DROP") && (t.get(1).is("TABLE") || t.get(1).is("TABLES"));
  }

  private static String abbreviated(String text) {
    String oneLine = text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  @Override
  public String name() {
    return name;
  }
}
