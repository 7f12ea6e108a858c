package io.ferry.server.config;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A filter type that exists only in these tests (registered in the test resources), so that the
 * configuration loader is checked against a type whose settings the test controls: it sets an
 * option on every transaction.
 */
public final class TagFilterFactory implements FilterFactory {
  static final Setting<String> TAG =
      new Setting<>("tag", SettingType.STRING, null, true, Set.of(), false, "The option's value.");
  static final Setting<Path> FILE =
      new Setting<>("file", SettingType.PATH, null, false, Set.of(), false, "A file it reads.");
  static final Setting<Boolean> REFUSE =
      new Setting<>(
          "refuse", SettingType.BOOLEAN, false, false, Set.of(), false, "Refuse to configure.");

  @Override
  public String type() {
    return "test-tag";
  }

  @Override
  public String summary() {
    return "Sets the option test.tag on every transaction (tests only).";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(TAG, FILE, REFUSE);
  }

  @Override
  public Filter create(FilterSettings s) {
    if (s.get(REFUSE)) {
      throw new IllegalArgumentException("refused as asked by " + s.key("refuse"));
    }
    String tag = s.get(TAG);
    return new Filter() {
      @Override
      public Transaction filter(Transaction t) {
        return t.withHeader(t.header().withOption("test.tag", tag));
      }
    };
  }
}
