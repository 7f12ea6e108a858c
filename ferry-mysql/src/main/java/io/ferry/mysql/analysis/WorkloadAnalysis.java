package io.ferry.mysql.analysis;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.RowsQuery;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.mysql.sql.StatementClassifier;
import io.ferry.mysql.sql.StatementKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * What a stream of replicated transactions holds ("what's in your binlog?"): its size and span,
 * transactions and row changes per second, the largest transactions and events, counts by event
 * kind and statement kind, per table the rows inserted, updated and deleted, what hurts replication
 * (DDL, LOAD DATA, temporary tables, non-transactional changes, tables without a key, DML logged as
 * statements), and how parallel the workload is under the shard and key schedulers. Fed one
 * fragment at a time in log order, from a binlog or a THL; the result is {@link #report}, a tree of
 * maps and lists (JSON as it stands). Not thread-safe.
 */
public final class WorkloadAnalysis {
  private final int top;
  private final Parallelism parallelism = new Parallelism();

  private long transactions;
  private long fragments;
  private long heartbeats;
  private long bytes;
  private long rows;
  private long firstMicros = Long.MAX_VALUE;
  private long lastMicros = Long.MIN_VALUE;
  private String firstPosition;
  private String lastPosition;
  private final TreeMap<Long, long[]> perSecond = new TreeMap<>(); // {transactions, rows, bytes}
  private final Map<String, Long> events = new TreeMap<>();
  private final Map<String, Long> statements = new TreeMap<>();
  private final Map<String, TableStats> tables = new TreeMap<>();
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private final PriorityQueue<Largest> largestTransactions =
      new PriorityQueue<>(Comparator.comparingLong(Largest::bytes));
  private final PriorityQueue<Largest> largestEvents =
      new PriorityQueue<>(Comparator.comparingLong(Largest::bytes));

  // the transaction being assembled from its fragments
  private long openSeqno = -1;
  private long openIndex = -1;
  private long openBytes;
  private long openRows;
  private final List<String> openTables = new ArrayList<>();

  /** Per table: rows changed by kind, bytes of row data, transactions. */
  private static final class TableStats {
    long inserted;
    long updated;
    long deleted;
    long bytes;
    long transactions;
    long lastTransaction = -1;
    boolean keyless;
  }

  /** Something that hurts replication: how often, and the first place it was seen. */
  private static final class Finding {
    final String why;
    long count;
    String first;

    Finding(String why) {
      this.why = why;
    }
  }

  private record Largest(long bytes, long rows, long seqno, String position, String what) {}

  /**
   * @param top how many of the largest transactions and events to keep
   */
  public WorkloadAnalysis(int top) {
    this.top = Math.max(1, top);
  }

  /**
   * Takes the next fragment in log order.
   *
   * @param bytes its size as stored (a THL record's length, or an estimate for a binlog)
   */
  public void add(Transaction tx, long bytes) {
    fragments++;
    this.bytes += bytes;
    if (tx.heartbeat() != null) {
      heartbeats++;
      return;
    }
    if (tx.fragno() == 0 || tx.seqno() != openSeqno) {
      openSeqno = tx.seqno();
      openIndex++;
      openBytes = 0;
      openRows = 0;
      openTables.clear();
    }
    String where = where(tx);
    openBytes += bytes;
    boolean rowsOnly = true;
    for (Change c : tx.changes()) {
      rowsOnly &= !(c instanceof SqlStatement);
      change(c, tx, where);
    }
    parallelism.fragment(tx, rowsOnly);
    if (tx.lastFrag()) {
      endTransaction(tx, where);
    }
  }

  private static String where(Transaction tx) {
    String seqno = tx.seqno() >= 0 ? "seqno " + tx.seqno() : "";
    String pos = tx.header().nativePosition() == null ? "" : tx.header().nativePosition().text();
    return seqno.isEmpty() ? pos : pos.isEmpty() ? seqno : seqno + " (" + pos + ")";
  }

  private void change(Change c, Transaction tx, String where) {
    if (c instanceof RowChanges rc) {
      String table = rc.schema() + "." + rc.table();
      long n = rc.rows().size();
      long b = rc.estimatedBytes();
      openRows += n;
      count(events, "rows " + rc.action().name().toLowerCase(Locale.ROOT), 1);
      TableStats t = tables.computeIfAbsent(table, k -> new TableStats());
      switch (rc.action()) {
        case INSERT -> t.inserted += n;
        case UPDATE -> t.updated += n;
        case DELETE -> t.deleted += n;
      }
      t.bytes += b;
      if (t.lastTransaction != openIndex) {
        t.transactions++;
        t.lastTransaction = openIndex;
      }
      if (!openTables.contains(table)) {
        openTables.add(table);
      }
      if (rc.columns().stream().noneMatch(io.ferry.core.event.ColumnSpec::key)) {
        t.keyless = true;
        find(
            "keyless",
            "row changes on a table whose rows carry no key (no primary key: a replica finds"
                + " each row by all its columns)",
            table,
            where);
      }
      keep(largestEvents, new Largest(b, n, tx.seqno(), where, rc.action() + " " + table));
    } else if (c instanceof SqlStatement s) {
      statement(s, tx, where);
    } else if (c instanceof RowsQuery) {
      count(events, "rows query", 1);
    }
  }

  private void statement(SqlStatement s, Transaction tx, String where) {
    count(events, "statement", 1);
    String sql = s.text();
    StatementKind kind = StatementClassifier.classify(sql);
    String keyword = firstWord(StatementClassifier.unwrap(sql));
    count(statements, kind.label() + " " + keyword, 1);
    keep(
        largestEvents,
        new Largest(s.estimatedBytes(), 0, tx.seqno(), where, "statement " + abbreviate(sql)));
    String text = abbreviate(sql);
    switch (kind) {
      case DDL -> find("ddl", "DDL (runs alone on every parallel replica)", text, where);
      case TEMPORARY_TABLE ->
          find("temporary", "temporary tables (statement-based, tied to one session)", text, where);
      case DML -> {
        if (keyword.equals("LOAD")) {
          find("load-data", "LOAD DATA (the file travels in the log)", text, where);
        } else {
          find("statement-dml", "DML logged as a statement (not row-based)", text, where);
        }
      }
      default -> {
        if (kind.needsOwnBlock()) {
          find("implicit-commit", "statements that commit implicitly or are unknown", text, where);
        }
      }
    }
  }

  private void endTransaction(Transaction tx, String where) {
    transactions++;
    rows += openRows;
    if (firstPosition == null) {
      firstPosition = where;
    }
    lastPosition = where;
    long micros = tx.header().sourceCommitMicros();
    if (micros > 0) {
      firstMicros = Math.min(firstMicros, micros);
      lastMicros = Math.max(lastMicros, micros);
      long[] s = perSecond.computeIfAbsent(Math.floorDiv(micros, 1_000_000L), k -> new long[3]);
      s[0]++;
      s[1] += openRows;
      s[2] += openBytes;
    }
    if ("true".equals(tx.header().option(TransactionOptions.COMMIT_REQUIRED))
        && openTables.size() > 0) {
      find(
          "non-transactional",
          "changes outside a transaction (MyISAM/Aria or the like: each runs alone, and a crash"
              + " mid-way needs care)",
          String.join(", ", openTables),
          where);
    }
    keep(
        largestTransactions,
        new Largest(openBytes, openRows, tx.seqno(), where, String.join(", ", openTables)));
  }

  private void find(String key, String why, String example, String where) {
    Finding f = findings.computeIfAbsent(key, k -> new Finding(why));
    f.count++;
    if (f.first == null) {
      f.first = where + ": " + example;
    }
  }

  private void keep(PriorityQueue<Largest> q, Largest l) {
    q.add(l);
    if (q.size() > top) {
      q.poll();
    }
  }

  private static void count(Map<String, Long> m, String key, long n) {
    m.merge(key, n, Long::sum);
  }

  private static String firstWord(String sql) {
    String t = sql.stripLeading();
    int end = 0;
    while (end < t.length() && Character.isLetter(t.charAt(end))) {
      end++;
    }
    return end == 0 ? "?" : t.substring(0, end).toUpperCase(Locale.ROOT);
  }

  private static String abbreviate(String sql) {
    String one = sql.replaceAll("\\s+", " ").strip();
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }

  /** The report: a tree of maps, lists, strings and numbers. */
  public Map<String, Object> report() {
    Map<String, Object> r = new LinkedHashMap<>();
    double seconds = lastMicros >= firstMicros ? (lastMicros - firstMicros) / 1e6 : 0;
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("from", firstPosition);
    summary.put("to", lastPosition);
    summary.put("firstCommit", time(firstMicros));
    summary.put("lastCommit", time(lastMicros));
    summary.put("seconds", round(seconds));
    summary.put("transactions", transactions);
    summary.put("fragments", fragments);
    summary.put("heartbeats", heartbeats);
    summary.put("rowChanges", rows);
    summary.put("bytes", bytes);
    long[] peak = {0, 0, 0};
    long peakSecond = 0;
    for (Map.Entry<Long, long[]> e : perSecond.entrySet()) {
      if (e.getValue()[0] > peak[0]) {
        peak = e.getValue();
        peakSecond = e.getKey();
      }
    }
    double span =
        Math.max(1, perSecond.isEmpty() ? 1 : perSecond.lastKey() - perSecond.firstKey() + 1);
    summary.put("averageTransactionsPerSecond", round(transactions / span));
    summary.put("averageRowChangesPerSecond", round(rows / span));
    summary.put("peakTransactionsPerSecond", peak[0]);
    summary.put("peakSecond", peak[0] == 0 ? null : time(peakSecond * 1_000_000L));
    r.put("summary", summary);
    r.put("events", new LinkedHashMap<>(events));
    r.put("statements", new LinkedHashMap<>(statements));
    r.put("tables", tablesReport());
    r.put("largestTransactions", largest(largestTransactions));
    r.put("largestEvents", largest(largestEvents));
    List<Map<String, Object>> hurts = new ArrayList<>();
    findings.forEach(
        (k, f) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("kind", k);
          m.put("what", f.why);
          m.put("count", f.count);
          m.put("first", f.first);
          hurts.add(m);
        });
    r.put("hurtsReplication", hurts);
    r.put("parallelism", parallelism.report());
    List<Map<String, Object>> series = new ArrayList<>();
    for (Map.Entry<Long, long[]> e : perSecond.entrySet()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("second", e.getKey());
      m.put("transactions", e.getValue()[0]);
      m.put("rowChanges", e.getValue()[1]);
      m.put("bytes", e.getValue()[2]);
      series.add(m);
    }
    r.put("perSecond", series);
    return r;
  }

  private List<Map<String, Object>> tablesReport() {
    List<Map<String, Object>> out = new ArrayList<>();
    tables.forEach(
        (name, t) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("table", name);
          m.put("inserted", t.inserted);
          m.put("updated", t.updated);
          m.put("deleted", t.deleted);
          m.put("bytes", t.bytes);
          m.put("transactions", t.transactions);
          m.put("hasKey", !t.keyless);
          out.add(m);
        });
    out.sort(
        Comparator.comparingLong(
                (Map<String, Object> m) ->
                    (long) m.get("inserted") + (long) m.get("updated") + (long) m.get("deleted"))
            .reversed());
    return out;
  }

  private static List<Map<String, Object>> largest(PriorityQueue<Largest> q) {
    List<Largest> all = new ArrayList<>(q);
    all.sort(Comparator.comparingLong(Largest::bytes).reversed());
    List<Map<String, Object>> out = new ArrayList<>();
    for (Largest l : all) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("bytes", l.bytes());
      m.put("rows", l.rows());
      m.put("at", l.position());
      m.put("what", l.what());
      out.add(m);
    }
    return out;
  }

  private static String time(long micros) {
    return micros == Long.MAX_VALUE || micros == Long.MIN_VALUE
        ? null
        : java.time.Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)
            .toString();
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
