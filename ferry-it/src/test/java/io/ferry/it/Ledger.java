package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test helper: an insert-only ledger that proves a replica holds every transaction exactly once.
 * Clients on the source each commit one ledger row per transaction, numbered 1, 2, 3 … per client
 * (the number only moves on after a commit succeeded, so the source's numbers have no gap), spread
 * over the schemas' {@code ledger} tables by number; every seventh transaction also writes a row in
 * the next schema's {@code ledger_xref}, so some transactions span two schemas. {@link #verify}
 * compares a replica's rows with the source's: the same rows, and per client the numbers 1 to the
 * last committed one, each once. Thread-safe.
 *
 * <p>A ledger whose source may itself be killed ({@link #surviveRestarts}) keeps its clients going:
 * a client that loses its connection reconnects until the server is back, and then asks the server
 * whether the transaction it was committing is there (crash recovery decides a commit whose answer
 * was lost), so its numbers still have no gap and no duplicate.
 */
final class Ledger {
  /**
   * What a comparison found; {@code problems} is empty when the replica holds the ledger exactly.
   */
  record Result(long rows, Map<Integer, Long> lastByClient, List<String> problems) {}

  private final SandboxServer source;
  private final List<String> schemas;
  private final AtomicLong[] committed;
  private final List<Thread> threads = new ArrayList<>();
  private final long pauseMillis;
  private volatile boolean stop;
  private volatile Throwable failure;
  private volatile boolean surviveRestarts;
  private final AtomicLong reconnects = new AtomicLong();

  Ledger(SandboxServer source, List<String> schemas, int clients, long pauseMillis) {
    this.source = source;
    this.schemas = List.copyOf(schemas);
    this.committed = new AtomicLong[clients];
    for (int i = 0; i < clients; i++) {
      committed[i] = new AtomicLong();
    }
    this.pauseMillis = pauseMillis;
  }

  /** Creates the ledger tables on the source. */
  void create() throws Exception {
    List<String> ddl = new ArrayList<>();
    for (String s : schemas) {
      ddl.add(
          "CREATE TABLE `"
              + s
              + "`.ledger (client INT NOT NULL, seq BIGINT NOT NULL, at DATETIME(6) NOT NULL,"
              + " PRIMARY KEY (client, seq)) ENGINE=InnoDB");
      ddl.add(
          "CREATE TABLE `"
              + s
              + "`.ledger_xref (client INT NOT NULL, seq BIGINT NOT NULL,"
              + " PRIMARY KEY (client, seq)) ENGINE=InnoDB");
    }
    Sql.run(source, ddl.toArray(String[]::new));
  }

  /** Starts the clients. */
  void start() {
    for (int i = 0; i < committed.length; i++) {
      int client = i;
      Thread t = new Thread(() -> client(client), "ledger-client-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Clients reconnect when the source goes away (it is killed and restarted), from now on. */
  Ledger surviveRestarts() {
    surviveRestarts = true;
    return this;
  }

  /** How many times clients lost their connection and reconnected. */
  long reconnects() {
    return reconnects.get();
  }

  private String table(int client, long seq) {
    return "`" + schemas.get((int) ((seq + client) % schemas.size())) + "`.ledger";
  }

  private void client(int client) {
    Connection c = null;
    try {
      while (!stop) {
        long seq = committed[client].get() + 1;
        int at = (int) ((seq + client) % schemas.size());
        try {
          if (c == null) {
            c = source.connect(source.root(), "");
            c.setAutoCommit(false);
            if (committedBefore(c, client, seq)) {
              committed[client].set(seq); // its commit reached the server before it went away
              continue;
            }
          }
          try (Statement st = c.createStatement()) {
            st.executeUpdate(
                "INSERT INTO "
                    + table(client, seq)
                    + " VALUES ("
                    + client
                    + ", "
                    + seq
                    + ", NOW(6))");
            if (seq % 7 == 0) {
              st.executeUpdate(
                  "INSERT INTO `"
                      + schemas.get((at + 1) % schemas.size())
                      + "`.ledger_xref VALUES ("
                      + client
                      + ", "
                      + seq
                      + ")");
            }
          }
          c.commit(); // unless the source may be killed, a failure here fails the soak
          committed[client].set(seq);
        } catch (SQLException e) {
          if (!surviveRestarts || stop) {
            throw e;
          }
          closeQuietly(c);
          c = null;
          reconnects.incrementAndGet();
          Thread.sleep(100);
          continue;
        }
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      closeQuietly(c);
    }
  }

  private boolean committedBefore(Connection c, int client, long seq) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM "
                    + table(client, seq)
                    + " WHERE client = "
                    + client
                    + " AND seq = "
                    + seq)) {
      rs.next();
      boolean there = rs.getLong(1) > 0;
      c.commit();
      return there;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // it is gone already
      }
    }
  }

  /** Stops the clients; fails if one of them failed. */
  void stop() throws InterruptedException {
    stop = true;
    for (Thread t : threads) {
      t.join(30_000);
    }
    Throwable f = failure;
    failure = null; // reported once
    if (f != null) {
      throw new AssertionError("a ledger client failed on the source", f);
    }
  }

  /** Transactions the clients committed. */
  long transactions() {
    long n = 0;
    for (AtomicLong a : committed) {
      n += a.get();
    }
    return n;
  }

  /** Compares the replica's ledger with the source's and with what the clients committed. */
  Result verify(SandboxServer replica) throws SQLException {
    Map<Integer, Map<Long, List<String>>> want = read(source);
    Map<Integer, Map<Long, List<String>>> got = read(replica);
    List<String> problems = new ArrayList<>();
    Map<Integer, Long> last = new TreeMap<>();
    long rows = 0;
    for (int client = 0; client < committed.length; client++) {
      long expectedLast = committed[client].get();
      last.put(client, expectedLast);
      Map<Long, List<String>> src = want.getOrDefault(client, Map.of());
      Map<Long, List<String>> rep = got.getOrDefault(client, Map.of());
      rows += rep.values().stream().mapToLong(List::size).sum();
      if (src.size() != expectedLast) {
        problems.add(
            "client "
                + client
                + " committed "
                + expectedLast
                + " ledger rows, but the source holds "
                + src.size());
      }
      TreeSet<Long> missing = new TreeSet<>();
      for (long seq = 1; seq <= expectedLast; seq++) {
        if (!rep.containsKey(seq)) {
          missing.add(seq);
        }
      }
      if (!missing.isEmpty()) {
        problems.add(
            "client "
                + client
                + ": the replica misses "
                + missing.size()
                + " ledger number(s) (a gap): "
                + shorten(missing));
      }
      List<String> twice = new ArrayList<>();
      List<String> moved = new ArrayList<>();
      TreeSet<Long> extra = new TreeSet<>();
      rep.forEach(
          (seq, where) -> {
            if (where.size() > 1) {
              twice.add(seq + " in " + where);
            }
            if (seq < 1 || seq > expectedLast) {
              extra.add(seq);
            } else if (src.containsKey(seq) && !src.get(seq).equals(where)) {
              moved.add(seq + ": source " + src.get(seq) + ", replica " + where);
            }
          });
      if (!twice.isEmpty()) {
        problems.add("client " + client + ": duplicated ledger numbers: " + shorten(twice));
      }
      if (!extra.isEmpty()) {
        problems.add(
            "client " + client + ": ledger numbers the source never committed: " + shorten(extra));
      }
      if (!moved.isEmpty()) {
        problems.add("client " + client + ": ledger rows in other tables: " + shorten(moved));
      }
      long min =
          rep.isEmpty() ? 0 : rep.keySet().stream().mapToLong(Long::longValue).min().orElse(0);
      long max =
          rep.isEmpty() ? 0 : rep.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      long count = rep.values().stream().mapToLong(List::size).sum();
      if (count != (rep.isEmpty() ? 0 : max - min + 1) || count != src.size()) {
        problems.add(
            "client "
                + client
                + ": the replica holds "
                + count
                + " ledger rows numbered "
                + min
                + " to "
                + max
                + " (the source "
                + src.size()
                + ")");
      }
    }
    return new Result(rows, last, List.copyOf(problems));
  }

  /** Every ledger row of a server: client → number → the tables it is in. */
  private Map<Integer, Map<Long, List<String>>> read(SandboxServer server) throws SQLException {
    Map<Integer, Map<Long, List<String>>> all = new TreeMap<>();
    try (Connection c = server.connect(server.root(), "")) {
      for (String s : schemas) {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT client, seq FROM `" + s + "`.ledger");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            all.computeIfAbsent(rs.getInt(1), k -> new TreeMap<>())
                .computeIfAbsent(rs.getLong(2), k -> new ArrayList<>())
                .add(s);
          }
        }
      }
    }
    return all;
  }

  private static String shorten(java.util.Collection<?> items) {
    List<?> list = new ArrayList<>(items);
    return list.subList(0, Math.min(20, list.size()))
        + (list.size() > 20 ? " and " + (list.size() - 20) + " more" : "");
  }
}
