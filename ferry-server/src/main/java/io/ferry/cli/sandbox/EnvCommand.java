package io.ferry.cli.sandbox;

import io.ferry.sandbox.Account;
import io.ferry.sandbox.Flavor;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry sandbox env}. */
@Command(
    header = "Print connection settings and passwords as shell variables.",
    name = "env",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Print a sandbox's connection settings as shell variables, passwords included, ready for"
          + " eval. Without --server: every server, as S<N>_HOST, S<N>_PORT, S<N>_SOCKET,"
          + " S<N>_JDBC_URL and the three accounts' S<N>_*_USER / S<N>_*_PASSWORD. With --server N:"
          + " that server as DB_HOST, DB_PORT, ..., DB_USER and DB_PASSWORD of the account chosen"
          + " with --account, plus the variables the standard clients read"
          + " (MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD for mariadb; PGHOST, PGPORT, PGUSER,"
          + " PGPASSWORD, PGDATABASE for psql).",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Examples:",
      "  eval \"$(ferry sandbox env lab)\"; echo $S1_PORT $S2_JDBC_URL",
      "  eval \"$(ferry sandbox env lab --server 1)\"; mariadb -u \"$DB_USER\" -e 'SELECT 1'"
    })
final class EnvCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin HomeOption home;

  @Parameters(paramLabel = "NAME", description = "The sandbox.")
  String name;

  @Option(names = "--server", paramLabel = "N", description = "Only server N, as DB_* variables.")
  Integer server;

  @Option(
      names = "--account",
      paramLabel = "ACCOUNT",
      defaultValue = "app",
      description =
          "Account for the client variables with --server: app, replicator or root (default:"
              + " ${DEFAULT-VALUE}).")
  String account;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    Sandbox sandbox = home.sandboxes().get(name);
    out.printf(
        "# Sandbox '%s': %s %s, %d server(s). Use: eval \"$(ferry sandbox env %s%s)\"%n",
        sandbox.name(),
        sandbox.flavor().displayName(),
        sandbox.descriptor().serverVersion(),
        sandbox.servers().size(),
        sandbox.name(),
        server == null ? "" : " --server " + server);
    export(out, "FERRY_SANDBOX", sandbox.name());
    export(out, "FERRY_SANDBOX_DIR", sandbox.dir().toString());
    export(out, "FERRY_SANDBOX_FLAVOR", sandbox.flavor().id());
    if (server == null) {
      for (SandboxServer s : sandbox.servers()) {
        serverVariables(out, "S" + s.index() + "_", s);
      }
      return;
    }
    SandboxServer s = sandbox.server(server);
    serverVariables(out, "DB_", s);
    Account chosen = HomeOption.account(s, account);
    export(out, "DB_USER", chosen.user());
    export(out, "DB_PASSWORD", chosen.password());
    if (s.flavor() == Flavor.MARIADB) {
      export(out, "MYSQL_HOST", s.host());
      export(out, "MYSQL_TCP_PORT", Integer.toString(s.port()));
      export(out, "MYSQL_PWD", chosen.password());
    } else {
      export(out, "PGHOST", s.host());
      export(out, "PGPORT", Integer.toString(s.port()));
      export(out, "PGUSER", chosen.user());
      export(out, "PGPASSWORD", chosen.password());
      export(out, "PGDATABASE", s.defaultDatabase());
    }
  }

  private static void serverVariables(PrintWriter out, String prefix, SandboxServer s) {
    export(out, prefix + "HOST", s.host());
    export(out, prefix + "PORT", Integer.toString(s.port()));
    export(out, prefix + "SOCKET", s.socket().toString());
    if (s.serverId() != 0) {
      export(out, prefix + "SERVER_ID", Long.toString(s.serverId()));
    }
    export(out, prefix + "JDBC_URL", s.jdbcUrl());
    export(out, prefix + "ROOT_USER", s.root().user());
    export(out, prefix + "ROOT_PASSWORD", s.root().password());
    export(out, prefix + "APP_USER", s.app().user());
    export(out, prefix + "APP_PASSWORD", s.app().password());
    export(out, prefix + "REPL_USER", s.replicator().user());
    export(out, prefix + "REPL_PASSWORD", s.replicator().password());
  }

  private static void export(PrintWriter out, String variable, String value) {
    out.println("export " + variable + "='" + value.replace("'", "'\\''") + "'");
  }
}
