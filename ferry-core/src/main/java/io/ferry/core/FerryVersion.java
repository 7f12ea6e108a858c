package io.ferry.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build of Ferry, as Maven stamped it into the core jar. */
public final class FerryVersion {
  private static final String VERSION = load();

  private FerryVersion() {}

  /** The version, for example {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = FerryVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "io/ferry/core/version.properties is missing from the classpath; the build is broken");
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Ferry's version", e);
    }
  }
}
