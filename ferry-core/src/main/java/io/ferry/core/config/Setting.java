package io.ferry.core.config;

import java.util.Set;

/**
 * One configuration key, declared once: its name, type, default, the service roles it applies to,
 * whether it is required there, whether it is a secret (masked wherever it is shown), and what it
 * does. The reference in docs/configuration.md is generated from these declarations. Immutable.
 *
 * @param key the key, like {@code source.host}
 * @param type how its text is read
 * @param defaultValue the value when the file does not set it, or null
 * @param required whether a service of one of its roles must set it (when there is no default)
 * @param roles the roles it applies to (empty: every role)
 * @param secret whether its value is masked in output and logs
 * @param description what it does, for the reference
 * @param <T> the value type
 */
public record Setting<T>(
    String key,
    SettingType<T> type,
    T defaultValue,
    boolean required,
    Set<String> roles,
    boolean secret,
    String description) {

  public Setting {
    roles = Set.copyOf(roles);
  }

  public boolean appliesTo(String role) {
    return roles.isEmpty() || roles.contains(role);
  }

  /** The default as text, or an empty string. */
  public String defaultText() {
    return defaultValue == null ? "" : type.format(defaultValue);
  }

  /**
   * A path setting's value as it is used: relative paths are read from the directory of the file
   * that set it (absolute, normalized); null stays null.
   */
  public static java.nio.file.Path resolve(java.nio.file.Path configFile, java.nio.file.Path p) {
    if (p == null) {
      return null;
    }
    java.nio.file.Path base = configFile == null ? null : configFile.toAbsolutePath().getParent();
    return base == null ? p.toAbsolutePath().normalize() : base.resolve(p).normalize();
  }
}
