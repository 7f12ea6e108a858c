package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Test helper: all-masters between sandbox servers in one replicator (the lab layout): site {@code
 * sN} is server N, with a master service {@code sN} and a slave service {@code sM_to_sN} for every
 * other site M, written by hand so that tests of conflict handling do not depend on the setup
 * presets. Slaves keep applied changes out of their target's binlog, so nothing loops.
 */
final class MultiMasterLab {
  private MultiMasterLab() {}

  static String site(int i) {
    return "s" + i;
  }

  /**
   * Writes the service files.
   *
   * @param slaveLines extra lines for slave {@code from -> to} (site numbers)
   */
  static void write(
      ReplicatorFixture f,
      Path data,
      List<SandboxServer> servers,
      BiFunction<Integer, Integer, List<String>> slaveLines)
      throws Exception {
    int n = servers.size();
    int[] ports = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      ports[i] = freePort();
    }
    for (int i = 1; i <= n; i++) {
      SandboxServer s = servers.get(i - 1);
      List<String> m = new ArrayList<>();
      m.add("service.name = " + site(i));
      m.add("service.role = master");
      m.add("service.dir = " + data.resolve(site(i)));
      m.add("source.host = " + s.host());
      m.add("source.port = " + s.port());
      m.add("source.user = " + s.root().user());
      m.add("source.password = " + s.root().password());
      m.add("source.start = " + binlogHead(s));
      m.add("thl.serve.port = " + ports[i]);
      Files.write(f.dir.resolve("services").resolve(site(i) + ".conf"), m);
      for (int j = 1; j <= n; j++) {
        if (j == i) {
          continue;
        }
        String name = site(j) + "_to_" + site(i);
        List<String> l = new ArrayList<>();
        l.add("service.name = " + name);
        l.add("service.role = slave");
        l.add("service.dir = " + data.resolve(name));
        l.add("master.uri = thl://127.0.0.1:" + ports[j]);
        l.add("target.host = " + s.host());
        l.add("target.port = " + s.port());
        l.add("target.user = " + s.root().user());
        l.add("target.password = " + s.root().password());
        l.addAll(slaveLines.apply(j, i));
        Files.write(f.dir.resolve("services").resolve(name + ".conf"), l);
      }
    }
  }

  /** Every slave service name, for sites 1..n. */
  static List<String> slaves(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= n; j++) {
        if (i != j) {
          out.add(site(j) + "_to_" + site(i));
        }
      }
    }
    return out;
  }

  private static String binlogHead(SandboxServer s) throws Exception {
    List<List<String>> rows = Sql.rows(s, "SHOW MASTER STATUS");
    return rows.get(0).get(0) + ":" + rows.get(0).get(1);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
