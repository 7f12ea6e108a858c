package io.ferry.cli.setup;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetType;
import io.ferry.core.target.TargetTypes;
import io.ferry.sandbox.Flavor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code --target} points, as the lines of a service file: a MariaDB/MySQL sandbox server or
 * {@code mysql://} URL (the mysql target), a PostgreSQL sandbox server, or an address one of the
 * registered target types recognizes ({@code postgresql://…}, {@code duckdb:PATH}, {@code
 * kafka://…}, {@code mongodb://…}; {@link TargetType#endpoint}).
 *
 * @param lines the service-file lines of the target
 * @param address the address as a URL (password included), for the types' own parsing and for
 *     {@code ferry ddl translate --apply}
 */
public record TargetAddress(List<String> lines, String address) {

  public static TargetAddress parse(String text, Path sandboxHome) {
    String t = text.trim();
    boolean mysqlUrl = t.startsWith("mysql://") || t.startsWith("mariadb://");
    boolean url = t.contains("://") || t.matches("[a-z][a-z0-9+]*:[/~.A-Za-z].*");
    if (mysqlUrl || !url) {
      Endpoint e = Endpoint.parse(t, sandboxHome);
      if (e.sandbox() == null || e.sandbox().flavor() == Flavor.MARIADB) {
        List<String> lines = new ArrayList<>();
        SetupCommand.target(lines, e);
        return new TargetAddress(lines, null);
      }
      t =
          "postgresql://"
              + enc(e.user())
              + ":"
              + enc(e.password())
              + "@"
              + e.host()
              + ":"
              + e.port()
              + "/"
              + e.sandbox().defaultDatabase();
    }
    List<String> recognizes = new ArrayList<>();
    for (TargetType type : TargetTypes.all().values()) {
      List<String> lines;
      try {
        lines = type.endpoint(t);
      } catch (TargetException ex) {
        throw new CliException(ex.getMessage(), Cli.EXIT_USAGE);
      }
      if (!lines.isEmpty()) {
        return new TargetAddress(lines, t);
      }
      recognizes.add(type.name());
    }
    throw new CliException(
        "no target type recognizes '"
            + Endpoint.masked(t)
            + "' (registered: "
            + String.join(", ", recognizes)
            + "); write a sandbox server (NAME:N), mysql://user:password@host:port,"
            + " postgresql://user:password@host:port/database, duckdb:PATH,"
            + " kafka://host:port or mongodb://host:port",
        Cli.EXIT_USAGE);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
