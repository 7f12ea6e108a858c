package io.ferry.sandbox;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kind of database server a sandbox runs. */
public enum Flavor {
  MARIADB("mariadb", "MariaDB"),
  POSTGRESQL("postgresql", "PostgreSQL");

  private final String id;
  private final String displayName;

  Flavor(String id, String displayName) {
    this.id = id;
    this.displayName = displayName;
  }

  /** The lower-case name used on the command line and in sandbox descriptors. */
  public String id() {
    return id;
  }

  public String displayName() {
    return displayName;
  }

  /** Parses a command-line flavor name, with an error that lists the accepted names. */
  public static Flavor parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (Flavor flavor : values()) {
      if (flavor.id.equals(wanted) || (flavor == POSTGRESQL && wanted.equals("postgres"))) {
        return flavor;
      }
    }
    throw new SandboxException(
        "unknown flavor '"
            + text
            + "': expected one of "
            + Arrays.stream(values()).map(Flavor::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
