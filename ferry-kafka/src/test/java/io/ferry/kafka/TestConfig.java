package io.ferry.kafka;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A service's configuration as a test writes it: keys and text values, parsed by their types. */
final class TestConfig implements PluginConfig {
  private final String service;
  private final Map<String, String> values = new HashMap<>();
  private final Path dir;

  TestConfig(String service, Path dir) {
    this.service = service;
    this.dir = dir;
  }

  TestConfig set(String key, String value) {
    values.put(key, value);
    return this;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public String role() {
    return "direct";
  }

  @Override
  public <T> T get(Setting<T> setting) {
    String v = values.get(setting.key());
    return v == null ? setting.defaultValue() : setting.type().parse(v);
  }

  @Override
  public boolean isSet(Setting<?> setting) {
    return values.containsKey(setting.key());
  }

  @Override
  public Path path(Setting<Path> setting) {
    String v = values.get(setting.key());
    return v == null ? null : dir.resolve(v);
  }

  @Override
  public String where(Setting<?> setting) {
    return "test.properties: " + setting.key();
  }

  @Override
  public Path serviceDir() {
    return dir;
  }
}
