package io.ferry.cli.setup;

import io.ferry.cli.CliException;
import io.ferry.cli.setup.Topology.Site;
import io.ferry.sandbox.SandboxServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The server settings a multi-master site needs so that sites do not collide: its own
 * auto-increment sequence (increment = number of writing sites, offset = the site's number) and, on
 * MariaDB, its own GTID domain. Set on sandbox servers (at once and in their configuration file);
 * printed as advice for the others.
 */
final class SiteSettings {
  private SiteSettings() {}

  static final String BEGIN = "# --- ferry setup: multi-master site settings";
  static final String END = "# --- end of ferry setup settings";

  /**
   * The settings of one writing site.
   *
   * @param increment auto_increment_increment
   * @param offset auto_increment_offset
   * @param domain gtid_domain_id, or -1 on a server without GTID domains (MySQL)
   */
  record Values(int increment, int offset, long domain) {
    String sql() {
      return "SET GLOBAL auto_increment_increment = "
          + increment
          + ", auto_increment_offset = "
          + offset
          + (domain >= 0 ? ", gtid_domain_id = " + domain : "")
          + ";";
    }

    List<String> configLines() {
      List<String> l = new ArrayList<>();
      l.add("auto_increment_increment=" + increment);
      l.add("auto_increment_offset=" + offset);
      if (domain >= 0) {
        l.add("gtid_domain_id=" + domain);
      }
      return l;
    }
  }

  /** The values for site number {@code position} (1-based) of {@code writers} writing sites. */
  static Values of(int writers, int position, boolean mariadb) {
    return new Values(writers, position, mariadb ? position : -1);
  }

  /**
   * Sets them on a sandbox server, as its root: SET GLOBAL for the running server and a marked
   * block at the end of its configuration file (replacing one an earlier setup wrote) for its next
   * starts. Returns the configuration file.
   */
  static Path apply(SandboxServer server, Site site, Values v) {
    try (Connection c = server.connect(server.root(), "");
        Statement st = c.createStatement()) {
      st.execute(v.sql());
    } catch (SQLException e) {
      throw new CliException(
          "cannot set the auto-increment and GTID domain of site "
              + site.name()
              + " ("
              + site.given()
              + "): "
              + e.getMessage()
              + "; is the sandbox running? (ferry sandbox start "
              + server.sandbox()
              + ")");
    }
    Path file = server.configFile();
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
      int begin = lines.indexOf(BEGIN);
      int end = lines.indexOf(END);
      if (begin >= 0 && end > begin) {
        lines.subList(begin, end + 1).clear();
      }
      lines.add(BEGIN);
      lines.add("# site " + site.name() + ": its own auto-increment sequence and GTID domain");
      lines.addAll(v.configLines());
      lines.add(END);
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          "set on the running server, but cannot write "
              + file
              + ": "
              + e.getMessage()
              + "; add these lines to its [mariadbd] section: "
              + String.join(" ", v.configLines()));
    }
    return file;
  }
}
