package io.ferry.core.target;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import java.time.Clock;
import java.util.List;

/**
 * A kind of target ({@code target.type}): its name, its own settings, and the factory of its {@link
 * Target}s. Registered with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/io.ferry.core.target.TargetType} line in its module), so that adding a target
 * is a module and a registration: the server names none. Implementations are stateless and
 * thread-safe.
 */
public interface TargetType {
  /** The value of {@code target.type} that selects it: lower case, no spaces. */
  String name();

  /** One line for {@code ferry config targets} and the reference. */
  String description();

  /**
   * Its own settings, by convention {@code target.<name>.*} (the mysql type keeps its historical
   * keys). May include shared ones from {@link TargetKeys} that only some types read; a key any
   * registered type lists is refused for a service whose type lists it not, unless it is shared.
   */
  List<Setting<?>> settings();

  /** Which shared keys ({@link TargetKeys}) it reads; setting another one is an error. */
  List<Setting<?>> sharedSettings();

  /**
   * Problems of a service's configuration beyond each value's type (a required key, two keys that
   * contradict each other), each naming the file, line and key ({@link PluginConfig#where}).
   */
  default List<String> check(PluginConfig config) {
    return List.of();
  }

  /** Whether {@code apply.channels > 1} (parallel apply) works with it. */
  default boolean parallel() {
    return false;
  }

  /** The dialects whose DDL it translates source tables into ({@code ferry ddl translate}). */
  default List<SchemaTranslator> translators() {
    return List.of();
  }

  /**
   * The service-file lines ({@code key = value}, with {@code target.type}) that point a service at
   * {@code address} when it is written the way this type recognizes (like {@code
   * postgresql://user:password@host:port/db}, {@code kafka://host:port}, {@code duckdb:PATH}), for
   * {@code ferry setup direct --target}; empty when the address is not of its kind. A malformed
   * address of its kind is a {@link TargetException} that shows the expected form.
   */
  default List<String> endpoint(String address) {
    return List.of();
  }

  /**
   * The target of one service, not yet connected: connections are made when its appliers first need
   * them. Throws {@link TargetException} for what cannot work (a missing driver, a bad file).
   */
  Target open(PluginConfig config, Clock clock);
}
