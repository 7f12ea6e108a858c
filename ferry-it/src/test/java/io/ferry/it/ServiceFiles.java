package io.ferry.it;

import io.ferry.sandbox.SandboxServer;
import io.ferry.server.config.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: service configuration files for sandboxed servers. */
final class ServiceFiles {
  private ServiceFiles() {}

  static List<String> source(SandboxServer s) {
    return List.of(
        "source.host = " + s.host(),
        "source.port = " + s.port(),
        "source.user = " + s.replicator().user(),
        "source.password = " + s.replicator().password(),
        "source.heartbeat = 1s");
  }

  static List<String> target(SandboxServer s) {
    return List.of(
        "target.host = " + s.host(),
        "target.port = " + s.port(),
        "target.user = " + s.replicator().user(),
        "target.password = " + s.replicator().password());
  }

  static Path master(Path dir, String name, SandboxServer source, int port, String... extra)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = master");
    lines.add("service.dir = " + dir.resolve(name));
    lines.addAll(source(source));
    lines.add("source.start = beginning");
    lines.add("thl.serve.port = " + port);
    lines.add("thl.serve.heartbeat = 200ms");
    lines.addAll(List.of(extra));
    return write(dir, name, lines);
  }

  static Path slave(Path dir, String name, String masterUri, SandboxServer target, String... extra)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = slave");
    lines.add("service.dir = " + dir.resolve(name));
    lines.add("master.uri = " + masterUri);
    lines.add("master.silence-limit = 3s");
    lines.addAll(target(target));
    lines.add("apply.block-commit-latency = 50ms");
    lines.addAll(List.of(extra));
    return write(dir, name, lines);
  }

  static Path direct(
      Path dir, String name, SandboxServer source, SandboxServer target, String... extra)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("service.name = " + name);
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve(name));
    lines.addAll(source(source));
    lines.add("source.start = beginning");
    lines.addAll(target(target));
    lines.add("apply.block-commit-latency = 50ms");
    lines.addAll(List.of(extra));
    return write(dir, name, lines);
  }

  static ServiceConfig load(Path file) {
    return ServiceConfig.load(file);
  }

  private static Path write(Path dir, String name, List<String> lines) throws IOException {
    Files.createDirectories(dir);
    Path f = dir.resolve(name + ".conf");
    Files.write(f, lines);
    return f;
  }
}
