package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The keys of the replicator's own file, {@code replicator.conf} in its configuration directory
 * (optional: every key has a default). Declared once, like {@link ServiceSettings}.
 */
public final class ReplicatorSettings {
  private ReplicatorSettings() {}

  private static final List<Setting<?>> ALL = new ArrayList<>();

  private static <T> Setting<T> add(
      String key, SettingType<T> type, T def, boolean secret, String description) {
    Setting<T> s = new Setting<>(key, type, def, false, Set.of(), secret, description);
    ALL.add(s);
    return s;
  }

  public static final int DEFAULT_ADMIN_PORT = 2113;

  public static final Setting<String> ADMIN_BIND =
      add(
          "admin.bind",
          SettingType.STRING,
          "127.0.0.1",
          false,
          "The address of the admin API and metrics. A non-loopback address requires"
              + " admin.token.");

  public static final Setting<Integer> ADMIN_PORT =
      add("admin.port", SettingType.PORT, DEFAULT_ADMIN_PORT, false, "The admin API's port.");

  public static final Setting<String> ADMIN_TOKEN =
      add(
          "admin.token",
          SettingType.STRING,
          "",
          true,
          "A token every admin request must carry (Authorization: Bearer TOKEN). Required when"
              + " admin.bind is not a loopback address; optional otherwise.");

  public static final Setting<Boolean> AUTO_ONLINE =
      add(
          "services.auto-online",
          SettingType.BOOLEAN,
          true,
          false,
          "Whether services go online when the replicator starts or a new service file appears.");

  public static List<Setting<?>> all() {
    return Collections.unmodifiableList(ALL);
  }
}
