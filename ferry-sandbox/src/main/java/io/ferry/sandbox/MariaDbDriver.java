package io.ferry.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** MariaDB servers: {@code mariadb-install-db} once into a template, then {@code mariadbd}. */
final class MariaDbDriver extends ServerDriver {

  /** What an application needs: data and schema changes, no administration. */
  static final String APP_PRIVILEGES =
      "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES,"
          + " CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW,"
          + " CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER";

  /**
   * What a replicator needs, reading and applying: stream the binlog (REPLICATION SLAVE), see
   * binlog positions (BINLOG MONITOR), read table definitions (SELECT), apply any change (the
   * application's privileges), keep applied changes out of the replica's binlog (BINLOG ADMIN, for
   * sql_log_bin), replay statements with their original server id and GTID (BINLOG REPLAY), keep a
   * statement's DEFINER (SET USER), apply on a read-only replica (READ_ONLY ADMIN), and take over
   * and hand back native replication (SLAVE MONITOR, REPLICATION SLAVE ADMIN). See docs/sandbox.md.
   */
  static final String REPLICATOR_PRIVILEGES =
      APP_PRIVILEGES
          + ", REPLICATION SLAVE, BINLOG MONITOR, BINLOG ADMIN, BINLOG REPLAY, SET USER,"
          + " READ_ONLY ADMIN, SLAVE MONITOR, REPLICATION SLAVE ADMIN";

  MariaDbDriver(ServerBinaries binaries, Path cacheDir) {
    super(binaries, cacheDir);
  }

  @Override
  void configure(SandboxDescriptor sandbox, Node node) {
    writeConfig(node, config(node, sandbox.name(), sandbox.options(), false));
  }

  /** Writes the node's my.cnf, and creates the temporary directory it names. */
  private static void writeConfig(Node node, String content) {
    try {
      Files.createDirectories(tmpDir(node));
    } catch (IOException e) {
      throw new SandboxException("cannot create " + tmpDir(node) + ": " + e.getMessage(), e);
    }
    write(configFile(node), content);
  }

  /**
   * The server's own temporary directory. A starting MariaDB deletes every file whose name begins
   * with {@code #sql} in its tmpdir: with a shared /tmp it deleted the temporary tables of other
   * servers that were running (a query failed with "Error on delete of '/tmp/#sql-temptable…'").
   */
  static Path tmpDir(Node node) {
    return node.path().resolve("tmp");
  }

  static Path configFile(Node node) {
    return node.path().resolve("my.cnf");
  }

  static Path socket(Node node) {
    return node.path().resolve("mariadb.sock");
  }

  private String config(Node node, String sandboxName, List<String> options, boolean template) {
    List<String> lines = new ArrayList<>();
    lines.add("# Written by Ferry for sandbox '" + sandboxName + "', server " + node.index() + ".");
    lines.add("# 'ferry sandbox start' runs mariadbd with exactly this file (--defaults-file).");
    lines.add("[mariadbd]");
    if (binaries.source() == BinarySource.EMBEDDED) {
      lines.add("basedir=" + binaries.baseDir());
      lines.add("lc-messages-dir=" + binaries.baseDir().resolve("share"));
    }
    lines.add("datadir=" + node.dataDir());
    lines.add("port=" + node.port());
    lines.add("bind-address=127.0.0.1");
    lines.add("socket=" + socket(node));
    lines.add("pid-file=" + node.path().resolve("mariadbd.pid"));
    lines.add("log-error=" + node.logFile());
    lines.add("tmpdir=" + tmpDir(node));
    if (Os.isRoot()) {
      lines.add("user=root");
    }
    lines.add("skip-name-resolve");
    lines.add("character-set-server=utf8mb4");
    lines.add("collation-server=utf8mb4_general_ci");
    lines.add("max-connections=500");
    lines.add("innodb-buffer-pool-size=128M");
    lines.add("innodb-log-file-size=48M");
    lines.add("# Durable: every commit reaches the disk, in the redo log and in the binlog.");
    lines.add("innodb-flush-log-at-trx-commit=1");
    lines.add("sync-binlog=1");
    if (template) {
      lines.add("skip-log-bin");
      lines.add("server-id=1");
    } else {
      lines.add("# What a replicator needs from a source.");
      lines.add("server-id=" + node.serverId());
      lines.add("log-bin=binlog");
      lines.add("log-bin-index=binlog.index");
      lines.add("binlog-format=ROW");
      lines.add("binlog-row-image=FULL");
      lines.add("binlog-row-metadata=FULL");
      lines.add("binlog-checksum=CRC32");
      lines.add("binlog-annotate-row-events=ON");
      lines.add("log-slave-updates=ON");
      lines.add("gtid-strict-mode=ON");
    }
    if (!options.isEmpty()) {
      lines.add("# Given at creation with --option.");
      lines.addAll(options);
    }
    return String.join("\n", lines) + "\n";
  }

  @Override
  void buildTemplate(Path work) throws IOException {
    Path data = work.resolve("data");
    List<String> install = new ArrayList<>();
    install.add(binaries.initializer().toString());
    install.add("--no-defaults");
    if (binaries.source() == BinarySource.EMBEDDED) {
      install.add("--basedir=" + binaries.baseDir());
    }
    install.add("--datadir=" + data);
    Files.createDirectories(work.resolve("tmp"));
    install.add("--tmpdir=" + work.resolve("tmp"));
    install.add("--auth-root-authentication-method=normal");
    install.add("--skip-test-db");
    if (Os.isRoot()) {
      install.add("--user=root");
    }
    Os.Result result = Os.run(install, Duration.ofMinutes(3));
    if (result.exitCode() != 0) {
      throw new SandboxException(
          "mariadb-install-db failed (exit "
              + result.exitCode()
              + ") while preparing the template in "
              + work
              + ":\n"
              + Os.indent(tailLines(result.output(), 25)));
    }
    // Start the fresh server once to resize its redo log and to drop the accounts a sandbox
    // must not have (root@hostname, root@::1); the template keeps root@localhost and
    // root@127.0.0.1 without a password, which each sandbox sets at its first start.
    Node node = new Node(0, Ports.pickFree(Set.of()), 1, work.toString());
    writeConfig(node, config(node, "template", List.of(), true));
    ServerProcess.start(node, launch("MariaDB template server", node));
    try (Connection c = connect(jdbcUrl(node), "root", "");
        Statement st = c.createStatement()) {
      List<String> drop = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT User, Host FROM mysql.user")) {
        while (rs.next()) {
          String user = rs.getString(1);
          String host = rs.getString(2);
          boolean keep =
              user.equals("mariadb.sys")
                  || (user.equals("root")
                      && (host.equals("localhost") || host.equals("127.0.0.1")));
          if (!keep) {
            drop.add("DROP USER " + quote(user) + "@" + quote(host));
          }
        }
      }
      for (String sql : drop) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new SandboxException("cannot prepare the MariaDB template in " + work + ": " + e, e);
    } finally {
      ServerProcess.stop(node, stopSignal(), STOP_TIMEOUT);
    }
  }

  private static String tailLines(String text, int n) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  @Override
  ServerProcess.Launch launch(SandboxDescriptor sandbox, Node node) {
    return launch(describe(sandbox, node), node);
  }

  private ServerProcess.Launch launch(String description, Node node) {
    return new ServerProcess.Launch(
        description,
        List.of(binaries.server().toString(), "--defaults-file=" + configFile(node)),
        node.consoleFile(),
        node.logFile(),
        "ready for connections",
        line -> line.contains("[ERROR]"),
        START_TIMEOUT);
  }

  @Override
  void createAccounts(SandboxDescriptor sandbox, Node node) {
    try (Connection c = connect(jdbcUrl(node), "root", "");
        Statement st = c.createStatement()) {
      // Accounts are local to each server: keep them out of the binlog, which a replicator reads.
      st.execute("SET SESSION sql_log_bin = 0");
      for (String host : List.of("localhost", "127.0.0.1")) {
        st.execute(
            "ALTER USER 'root'@"
                + quote(host)
                + " IDENTIFIED BY "
                + quote(sandbox.root().password()));
        createUser(st, sandbox.app(), host, APP_PRIVILEGES);
        createUser(st, sandbox.replicator(), host, REPLICATOR_PRIVILEGES);
      }
    } catch (SQLException e) {
      throw new SandboxException(
          "cannot create the accounts of "
              + describe(sandbox, node)
              + " (127.0.0.1:"
              + node.port()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static void createUser(Statement st, Account account, String host, String privileges)
      throws SQLException {
    String who = quote(account.user()) + "@" + quote(host);
    st.execute("CREATE USER " + who + " IDENTIFIED BY " + quote(account.password()));
    st.execute("GRANT " + privileges + " ON *.* TO " + who);
  }

  static String jdbcUrl(Node node) {
    return "jdbc:mariadb://127.0.0.1:" + node.port() + "/?sslMode=disable&connectTimeout=10000";
  }

  @Override
  String stopSignal() {
    return "TERM";
  }
}
