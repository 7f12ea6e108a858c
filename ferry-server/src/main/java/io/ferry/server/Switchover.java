package io.ferry.server;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.StageStatus;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.NativePosition;
import io.ferry.core.thl.Thl;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.server.config.ServiceConfig;
import io.ferry.server.config.ServiceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Role changes and resets of an offline service.
 *
 * <p>A slave becomes a master of the database it applied to: that database's binlog holds none of
 * what was applied (appliers keep out of it), so the new master starts reading at the binlog's
 * current end, continuing its log's seqnos with a new epoch. The start is kept in {@code
 * <service.dir>/next-start} with the log's last seqno at the switchover, and holds until the log
 * has grown past that seqno. A master becomes a slave of another master, applying to the database
 * it read: that database already holds everything its log holds, so the catalog there is set to the
 * log's last transaction first. Either way the configuration file is rewritten (role, master
 * address, and the local database as source or target).
 */
final class Switchover {
  private Switchover() {}

  private static final String NEXT_START = "next-start";
  private static final String AFTER_SEQNO = "after-seqno";

  static ServiceConfig setRole(Service service, String role, String uri) {
    ServiceConfig c = service.config();
    String current = c.role();
    Map<String, String> changes = new LinkedHashMap<>();
    changes.put(ServiceSettings.ROLE.key(), role);
    switch (role) {
      case ServiceSettings.MASTER -> {
        if (current.equals(ServiceSettings.SLAVE)) {
          copy(c, "target.", "source.", changes);
        }
      }
      case ServiceSettings.SLAVE -> {
        if (uri == null && !c.isSet(ServiceSettings.MASTER_URI)) {
          throw new ServiceStateException(
              "service " + service.name() + " needs the new master's address (uri) to be a slave");
        }
        if (uri != null) {
          changes.put(ServiceSettings.MASTER_URI.key(), uri);
        }
        if (current.equals(ServiceSettings.MASTER)) {
          copy(c, "source.", "target.", changes);
        }
      }
      default ->
          throw new ServiceStateException(
              "setrole switches between master and slave, not to " + role);
    }
    ServiceConfig.Rewrite rewrite = ServiceConfig.rewrite(c.file(), changes);
    ServiceConfig next = rewrite.config();
    // What can fail (the database unreachable) runs before the file changes: a failed setrole
    // leaves the service as it was.
    Path nextStart = service.dir().resolve(NEXT_START);
    if (role.equals(ServiceSettings.MASTER) && current.equals(ServiceSettings.SLAVE)) {
      BinlogPosition head = SourceProbe.probe(Roles.sourceSettings(next)).head();
      write(nextStart, head, lastOf(next, service).seqno());
    }
    if (role.equals(ServiceSettings.SLAVE) && current.equals(ServiceSettings.MASTER)) {
      Checkpoint last = lastOf(next, service);
      if (!last.isNone()) {
        try (io.ferry.core.target.Target t = Roles.target(next, Clock.systemUTC())) {
          t.initializePosition(last);
        }
      }
    }
    try {
      rewrite.write();
    } catch (RuntimeException e) {
      if (role.equals(ServiceSettings.MASTER)) {
        deleteQuietly(nextStart);
      }
      throw e;
    }
    if (role.equals(ServiceSettings.SLAVE)) {
      deleteQuietly(nextStart);
    }
    return next;
  }

  static Checkpoint lastOf(ServiceConfig c, Service service) {
    Path thlDir = Roles.thlSettings(c, service.dir(), Clock.systemUTC()).dir();
    return Files.isDirectory(thlDir) ? lastOf(thlDir) : Checkpoint.NONE;
  }

  private static Checkpoint lastOf(Path thlDir) {
    try (Thl thl = Thl.openReadOnly(thlDir)) {
      return thl.lastCheckpoint();
    }
  }

  /** Copies the connection keys of one side to the other, where the other is not set. */
  private static void copy(ServiceConfig c, String from, String to, Map<String, String> changes) {
    for (String k : List.of("host", "port", "user", "password")) {
      var src = ServiceSettings.byKey(from + k);
      var dst = ServiceSettings.byKey(to + k);
      String text = c.text(src);
      if (text != null && c.text(dst) == null) {
        changes.put(dst.key(), text);
      }
    }
  }

  /**
   * The start a switchover left for the next online, if any. It holds only while the log has not
   * grown since the switchover: once a transaction read from that start is stored, the service
   * resumes after its log like any master (also after a crash, before the file was dropped).
   */
  static NativePosition pendingStart(ServiceConfig c, Service service) {
    Path f = service.dir().resolve(NEXT_START);
    if (!Files.exists(f)) {
      return null;
    }
    NativePosition start;
    long afterSeqno;
    try {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      String first = lines.get(0).strip();
      int space = first.indexOf(' ');
      start = NativePosition.parse(first.substring(0, space), first.substring(space + 1));
      String second = lines.size() > 1 ? lines.get(1).strip() : "";
      if (!second.startsWith(AFTER_SEQNO)) {
        throw new IllegalArgumentException("its second line is not '" + AFTER_SEQNO + " N'");
      }
      afterSeqno = Long.parseLong(second.substring(AFTER_SEQNO.length()).strip());
    } catch (IOException | RuntimeException e) {
      throw new ServiceStateException(
          "cannot read the switchover start in "
              + f
              + " ("
              + e
              + "); if the service has run as a master since, delete the file",
          e);
    }
    if (lastOf(c, service).seqno() > afterSeqno) {
      deleteQuietly(f);
      return null;
    }
    return start;
  }

  /** Drops the switchover start once the binlog stage has committed after it. */
  static void startConsumed(Path dir, Roles.Parts parts) {
    List<StageStatus> stages = parts.pipeline.status();
    if (!stages.isEmpty() && stages.get(stages.size() - 1).commits() > 0) {
      deleteQuietly(dir.resolve(NEXT_START));
    }
  }

  private static void write(Path f, NativePosition p, long afterSeqno) {
    try {
      Files.createDirectories(f.getParent());
      Files.writeString(
          f,
          p.kind() + " " + p.text() + "\n" + AFTER_SEQNO + " " + afterSeqno + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ServiceStateException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }

  static void reset(Service service, boolean thl, boolean catalog) {
    ServiceConfig c = service.config();
    if (thl) {
      if (c.role().equals(ServiceSettings.MASTER) || c.role().equals(ServiceSettings.SLAVE)) {
        deleteTree(Roles.thlSettings(c, service.dir(), Clock.systemUTC()).dir());
      }
      deleteQuietly(service.dir().resolve("schema-history.jsonl"));
      deleteQuietly(service.dir().resolve(NEXT_START));
    }
    if (catalog
        && (c.role().equals(ServiceSettings.SLAVE) || c.role().equals(ServiceSettings.DIRECT))) {
      try (io.ferry.core.target.Target t = Roles.target(c, Clock.systemUTC())) {
        t.dropCatalog();
      }
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new ServiceStateException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // left for the next reset
    }
  }
}
