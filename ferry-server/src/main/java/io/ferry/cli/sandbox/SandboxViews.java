package io.ferry.cli.sandbox;

import io.ferry.cli.Table;
import io.ferry.sandbox.Sandbox;
import io.ferry.sandbox.SandboxServer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** How sandboxes look in the output: a server table for people, a document for --json. */
final class SandboxViews {
  private SandboxViews() {}

  static void printSummary(PrintWriter out, Sandbox sandbox) {
    int running = sandbox.runningCount();
    int total = sandbox.servers().size();
    out.printf(
        "Sandbox '%s': %d %s %s server%s, %d running, in %s%n%n",
        sandbox.name(),
        total,
        sandbox.flavor().displayName(),
        sandbox.descriptor().serverVersion(),
        total == 1 ? "" : "s",
        running,
        sandbox.dir());
    Table table = new Table("SERVER", "ADDRESS", "SERVER_ID", "STATE", "PID", "DATA");
    for (SandboxServer server : sandbox.servers()) {
      OptionalLong pid = server.pid();
      table.row(
          server.index(),
          server.host() + ":" + server.port(),
          server.serverId() == 0 ? "-" : server.serverId(),
          pid.isPresent() ? "running" : "stopped",
          pid.isPresent() ? pid.getAsLong() : "-",
          server.dataDir());
    }
    table.print(out, 2);
  }

  static Map<String, Object> document(Sandbox sandbox) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", sandbox.name());
    doc.put("flavor", sandbox.flavor().id());
    doc.put("version", sandbox.descriptor().serverVersion());
    doc.put("binaries", sandbox.descriptor().binaries().id());
    doc.put("directory", sandbox.dir().toString());
    doc.put("createdAt", sandbox.descriptor().createdAt());
    if (sandbox.descriptor().owner() != null) {
      doc.put("ownerPid", sandbox.descriptor().owner().pid());
    }
    Map<String, String> accounts = new LinkedHashMap<>();
    accounts.put("root", sandbox.descriptor().root().user());
    accounts.put("app", sandbox.descriptor().app().user());
    accounts.put("replicator", sandbox.descriptor().replicator().user());
    doc.put("accounts", accounts);
    List<Map<String, Object>> servers = new ArrayList<>();
    for (SandboxServer server : sandbox.servers()) {
      Map<String, Object> s = new LinkedHashMap<>();
      OptionalLong pid = server.pid();
      s.put("server", server.index());
      s.put("host", server.host());
      s.put("port", server.port());
      if (server.serverId() != 0) {
        s.put("serverId", server.serverId());
      }
      s.put("running", pid.isPresent());
      if (pid.isPresent()) {
        s.put("pid", pid.getAsLong());
      }
      s.put("jdbcUrl", server.jdbcUrl());
      s.put("socket", server.socket().toString());
      s.put("dataDir", server.dataDir().toString());
      s.put("logFile", server.logFile().toString());
      servers.add(s);
    }
    doc.put("servers", servers);
    return doc;
  }
}
