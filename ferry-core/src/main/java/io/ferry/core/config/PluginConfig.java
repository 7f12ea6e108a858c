package io.ferry.core.config;

import java.nio.file.Path;

/**
 * What a target or source plug-in reads of its service's configuration: the values of the settings
 * it declared and of the shared ones (like io.ferry.core.target.TargetKeys), already parsed and
 * checked by type. Implemented by the server's service configuration. Immutable.
 */
public interface PluginConfig {
  /** The service's name; its catalog is {@code ferry_<name>} in the target's own terms. */
  String service();

  /** The service's role (slave, direct, ...). */
  String role();

  /** A setting's value, or its default. */
  <T> T get(Setting<T> setting);

  /** Whether the file sets it. */
  boolean isSet(Setting<?> setting);

  /** A path setting's value, relative paths read from the file's directory; null when unset. */
  Path path(Setting<Path> setting);

  /** Where a setting is written, for errors: {@code FILE:LINE: key}, or {@code FILE: key}. */
  String where(Setting<?> setting);

  /** The directory the service keeps its files in (THL, schema history, staging files). */
  Path serviceDir();
}
