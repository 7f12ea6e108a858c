package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.target.TargetType;
import io.ferry.core.target.TargetTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The target types' settings among a service's keys: each registered type's own settings are
 * declared with the others (so unknown keys, the reference and {@code config show} know them), and
 * each key remembers which types read it, so that a key of another type is refused. Filled once,
 * when {@link ServiceSettings} is initialized; read-only after.
 */
public final class TargetSettingsRegistry {
  private TargetSettingsRegistry() {}

  /** Key → the types that read it; keys that every type may carry (target.type) are absent. */
  private static final Map<String, Set<String>> OWNERS = new LinkedHashMap<>();

  static void register(List<Setting<?>> all) {
    Map<String, Setting<?>> byKey = new LinkedHashMap<>();
    all.forEach(s -> byKey.put(s.key(), s));
    for (TargetType type : TargetTypes.all().values()) {
      for (Setting<?> s : type.settings()) {
        Setting<?> earlier = byKey.get(s.key());
        if (earlier == null) {
          all.add(s);
          byKey.put(s.key(), s);
        } else if (!earlier.equals(s)) {
          throw new IllegalStateException(
              "target type "
                  + type.name()
                  + " declares "
                  + s.key()
                  + ", which another declaration already has; give it a key of its own"
                  + " (target."
                  + type.name()
                  + ".*)");
        }
        OWNERS.computeIfAbsent(s.key(), k -> new TreeSet<>()).add(type.name());
      }
      for (Setting<?> s : type.sharedSettings()) {
        if (!s.key().equals(TargetKeys.TYPE.key())) { // every type's service sets target.type
          OWNERS.computeIfAbsent(s.key(), k -> new TreeSet<>()).add(type.name());
        }
      }
    }
    // a shared key no type reads is still refused everywhere but target.type
    for (Setting<?> s : TargetKeys.all()) {
      if (!s.key().equals(TargetKeys.TYPE.key())) {
        OWNERS.computeIfAbsent(s.key(), k -> new TreeSet<>());
      }
    }
  }

  /** Whether a setting means something for a service whose target is of type {@code type}. */
  public static boolean readBy(Setting<?> s, String type) {
    Set<String> owners = OWNERS.get(s.key());
    return owners == null || owners.contains(type);
  }

  /** The types that read a key, for messages (empty when every type may carry it). */
  static Set<String> owners(Setting<?> s) {
    Set<String> owners = OWNERS.get(s.key());
    return owners == null ? Set.of() : owners;
  }
}
