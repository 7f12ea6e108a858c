package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.Service;
import io.ferry.testkit.SandboxExtension;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripted filters on real servers. The seeds' odd/even example done on row values: one master,
 * replicas whose Lua or JavaScript sample keeps the odd or the even rows of one table; each ends
 * with exactly its half of that table (inserts, updates, deletes) and all of the shared one. And a
 * script that throws, loops, reads a file or opens a socket: the replica stops at the transaction
 * before, with an error that names the script, its line and the seqno; fixed, it goes on and
 * nothing is lost.
 */
class ScriptedFilterReplicationTest {
  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(5);

  @TempDir Path dir;

  private static final Path SAMPLES = Path.of("..", "ferry-scripting", "samples");

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String rows(SandboxServer s, String query) throws Exception {
    return Sql.value(
        s, "SELECT GROUP_CONCAT(CONCAT_WS(':', id, v) ORDER BY id) FROM (" + query + ") q");
  }

  @Test
  void oddAndEvenReplicasEachHoldTheirHalfInLuaAndJavaScript() throws Exception {
    SandboxServer source = db.server(1);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    Sql.run(
        source,
        "CREATE DATABASE app",
        "CREATE TABLE app.part (id INT PRIMARY KEY, v VARCHAR(20))",
        "CREATE TABLE app.shared (id INT PRIMARY KEY, v VARCHAR(20))");
    String[][] replicas = {
      {"lua", "odd", "odd_even.lua"},
      {"lua", "even", "odd_even.lua"},
      {"javascript", "odd", "odd_even.js"},
      {"javascript", "even", "odd_even.js"}
    };
    List<Service> services = new ArrayList<>();
    try (Service master =
        new Service(ServiceFiles.load(ServiceFiles.master(dir, "alpha", source, port)), clock)) {
      services.add(master);
      for (int i = 0; i < replicas.length; i++) {
        String[] r = replicas[i];
        String lang = r[0].equals("lua") ? "lua" : "js";
        Path script = SAMPLES.resolve(lang).resolve(r[2]).toAbsolutePath().normalize();
        Service slave =
            new Service(
                ServiceFiles.load(
                    ServiceFiles.slave(
                        dir,
                        "r" + i,
                        "thl://127.0.0.1:" + port,
                        db.server(i + 2),
                        "apply.filters = half",
                        "filter.half.type = " + r[0],
                        "filter.half.script = " + script,
                        "filter.half.param.parity = " + r[1],
                        "filter.half.param.table = part")),
                clock);
        services.add(slave);
      }
      for (Service s : services) {
        s.online(Service.OnlineOptions.NONE);
      }
      for (int id = 1; id <= 60; id++) {
        Sql.run(
            source,
            "INSERT INTO app.part VALUES (" + id + ", 'p" + id + "')",
            "INSERT INTO app.shared VALUES (" + id + ", 's" + id + "')");
      }
      Sql.run(
          source,
          "UPDATE app.part SET v = CONCAT(v, '+') WHERE id % 3 = 0",
          "DELETE FROM app.part WHERE id % 5 = 0",
          "UPDATE app.shared SET v = 'changed' WHERE id < 10",
          "BEGIN",
          "INSERT INTO app.part VALUES (101, 'a'), (102, 'b'), (103, 'c')",
          "UPDATE app.part SET id = id + 1000 WHERE id IN (101, 102)",
          "COMMIT");
      for (int i = 0; i < replicas.length; i++) {
        ServiceRolesTest.awaitMark(source, db.server(i + 2), services.toArray(new Service[0]));
      }
      String shared = rows(source, "SELECT id, v FROM app.shared");
      for (int i = 0; i < replicas.length; i++) {
        SandboxServer replica = db.server(i + 2);
        int rest = replicas[i][1].equals("odd") ? 1 : 0;
        assertThat(rows(replica, "SELECT id, v FROM app.part"))
            .as(replicas[i][0] + " " + replicas[i][1])
            .isEqualTo(rows(source, "SELECT id, v FROM app.part WHERE id % 2 = " + rest))
            .isNotEmpty();
        assertThat(rows(replica, "SELECT id, v FROM app.shared")).isEqualTo(shared);
      }
      for (Service s : services.subList(1, services.size())) {
        s.close();
      }
    }
  }

  /** A script that fails at row id {@code bad} in its own way, and passes everything else. */
  private static String failing(String lang, String how, int bad) {
    String lua =
        switch (how) {
          case "throw" -> "error('refusing row ' .. id)";
          case "loop" -> "while true do end";
          case "file" -> "local f = io.open('/etc/passwd')";
          default -> "local s = require('socket')";
        };
    String js =
        switch (how) {
          case "throw" -> "throw new Error('refusing row ' + id);";
          case "loop" -> "while (true) {}";
          case "file" -> "load('/etc/passwd');";
          default -> "let s = new java.net.Socket('127.0.0.1', 22);";
        };
    if (lang.equals("lua")) {
      return "function filter(tx)\n"
          + "  for _, c in ipairs(tx.changes) do\n"
          + "    if c.kind == 'rows' then\n"
          + "      for _, r in ipairs(c.rows) do\n"
          + "        local id = (r.after or r.before).id\n"
          + "        if id == "
          + bad
          + " then\n"
          + "          "
          + lua
          + "\n"
          + "        end\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "end\n";
    }
    return "function filter(tx) {\n"
        + "  for (let c of tx.changes) {\n"
        + "    if (c.kind !== 'rows') continue;\n"
        + "    for (let r of c.rows) {\n"
        + "      let id = (r.after || r.before).id;\n"
        + "      if (id === "
        + bad
        + ") {\n"
        + "        "
        + js
        + "\n"
        + "      }\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
  }

  @Test
  void aFailingScriptStopsTheReplicaBeforeItsTransactionAndNothingIsLostOnceFixed()
      throws Exception {
    SandboxServer source = db.server(1);
    int port = freePort();
    Clock clock = Clock.systemUTC();
    Sql.run(source, "CREATE DATABASE app", "CREATE TABLE app.t (id INT PRIMARY KEY, v INT)");
    Path lua = dir.resolve("guard.lua");
    Path js = dir.resolve("guard.js");
    Files.writeString(lua, failing("lua", "throw", -1));
    Files.writeString(js, failing("js", "throw", -1));
    try (Service master =
            new Service(ServiceFiles.load(ServiceFiles.master(dir, "alpha", source, port)), clock);
        Service luaSlave = slave("rl", port, db.server(2), "lua", lua);
        Service jsSlave = slave("rj", port, db.server(3), "javascript", js)) {
      master.online(Service.OnlineOptions.NONE);
      luaSlave.online(Service.OnlineOptions.NONE);
      jsSlave.online(Service.OnlineOptions.NONE);
      int id = 0;
      for (String how : List.of("throw", "loop", "file", "socket")) {
        int bad = id + 3;
        Files.writeString(lua, failing("lua", how, bad));
        Files.writeString(js, failing("js", how, bad));
        // the new scripts are read when the replicas go online again
        for (Service s : List.of(luaSlave, jsSlave)) {
          if (s.state() == Service.State.ONLINE) {
            s.offline();
          }
          s.online(Service.OnlineOptions.NONE);
        }
        for (int k = 0; k < 5; k++) {
          id++;
          Sql.run(source, "INSERT INTO app.t VALUES (" + id + ", " + id * 10 + ")");
        }
        for (Service s : List.of(luaSlave, jsSlave)) {
          assertThat(s.await(Service.State.OFFLINE_ERROR, Duration.ofSeconds(60)))
              .as(s.name() + " " + how)
              .isTrue();
          Service.Failure f = s.failure();
          String file = s == luaSlave ? "guard.lua" : "guard.js";
          assertThat(f.message()).as(how).contains(file).contains("seqno " + f.seqno());
          if (how.equals("loop")) {
            assertThat(f.message()).contains("budget").contains("filter.guard.budget");
          } else {
            assertThat(f.message()).containsPattern(file + ":\\d+|line \\d+");
          }
          SandboxServer replica = s == luaSlave ? db.server(2) : db.server(3);
          // nothing past the transaction before the failing one
          assertThat(Sql.value(replica, "SELECT MAX(id) FROM app.t"))
              .isEqualTo(Integer.toString(bad - 1));
        }
      }
      Files.writeString(lua, failing("lua", "throw", -1));
      Files.writeString(js, failing("js", "throw", -1));
      luaSlave.online(Service.OnlineOptions.NONE);
      jsSlave.online(Service.OnlineOptions.NONE);
      ServiceRolesTest.awaitMark(source, db.server(2), master, luaSlave);
      ServiceRolesTest.awaitMark(source, db.server(3), master, jsSlave);
      String all = Sql.value(source, "SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM app.t");
      assertThat(Sql.value(db.server(2), "SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM app.t"))
          .isEqualTo(all);
      assertThat(Sql.value(db.server(3), "SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM app.t"))
          .isEqualTo(all);
    }
  }

  private Service slave(String name, int port, SandboxServer target, String type, Path script)
      throws Exception {
    return new Service(
        ServiceFiles.load(
            ServiceFiles.slave(
                dir,
                name,
                "thl://127.0.0.1:" + port,
                target,
                "apply.filters = guard",
                "filter.guard.type = " + type,
                "filter.guard.script = " + script,
                "filter.guard.budget = 500ms")),
        Clock.systemUTC());
  }
}
