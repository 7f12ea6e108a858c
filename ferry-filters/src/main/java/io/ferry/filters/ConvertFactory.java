package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code convert} filter type. Stateless and thread-safe. */
public final class ConvertFactory implements FilterFactory {
  static final Setting<List<NamePattern>> TABLES =
      new Setting<>(
          "tables",
          PatternTypes.TABLES,
          PatternTypes.ALL_TABLES,
          false,
          Set.of(),
          false,
          "The tables whose row changes are converted, as comma-separated schema or schema.table"
              + " patterns (* and ? are wildcards). Every table by default.");

  static final Setting<Boolean> ENUM_AS_LABEL =
      flag(
          Conversion.ENUM_AS_LABEL,
          "ENUM values become their label as a string, and the column is declared"
              + " varchar(longest label); the empty error value (index 0) becomes ''. A value whose"
              + " label is not known leaves the column unconverted in that change.");

  static final Setting<Boolean> SET_AS_LABELS =
      flag(
          Conversion.SET_AS_LABELS,
          "SET values become their members' labels joined by commas ('' for no member), and the"
              + " column is declared varchar(all labels and commas).");

  static final Setting<Boolean> ZERO_DATES_AS_NULL =
      flag(
          Conversion.ZERO_DATES_AS_NULL,
          "DATE and DATETIME values no calendar has (0000-00-00, a zero month or day, a day past"
              + " the month's end) and the zero TIMESTAMP become NULL, and the column is declared"
              + " nullable.");

  static final Setting<Boolean> TEXT_AS_STRING =
      flag(
          Conversion.TEXT_AS_STRING,
          "CHAR, VARCHAR and TEXT values, kept as the source's bytes and character set, become"
              + " Java strings decoded with that character set (bytes it cannot decode become"
              + " U+FFFD). The column's type stays.");

  static final Setting<Boolean> BIT_AS_NUMBER =
      flag(
          Conversion.BIT_AS_NUMBER,
          "BIT(n) values become numbers: the column is declared bigint for n up to 63, bigint"
              + " unsigned for BIT(64).");

  static final Setting<Boolean> JSON_AS_TEXT =
      flag(
          Conversion.JSON_AS_TEXT,
          "JSON documents become strings, and the column is declared longtext (utf8mb4).");

  private static final Map<Conversion, Setting<Boolean>> FLAGS =
      Map.of(
          Conversion.ENUM_AS_LABEL, ENUM_AS_LABEL,
          Conversion.SET_AS_LABELS, SET_AS_LABELS,
          Conversion.ZERO_DATES_AS_NULL, ZERO_DATES_AS_NULL,
          Conversion.TEXT_AS_STRING, TEXT_AS_STRING,
          Conversion.BIT_AS_NUMBER, BIT_AS_NUMBER,
          Conversion.JSON_AS_TEXT, JSON_AS_TEXT);

  private static Setting<Boolean> flag(Conversion c, String description) {
    return new Setting<>(
        c.setting(), SettingType.BOOLEAN, false, false, Set.of(), false, description);
  }

  @Override
  public String type() {
    return "convert";
  }

  @Override
  public String summary() {
    return "Converts values a heterogeneous target cannot take as they are (ENUM, SET, zero dates,"
        + " character data, BIT, JSON).";
  }

  @Override
  public List<Setting<?>> settings() {
    List<Setting<?>> all = new ArrayList<>();
    all.add(TABLES);
    for (Conversion c : Conversion.values()) {
      all.add(FLAGS.get(c));
    }
    return all;
  }

  @Override
  public Filter create(FilterSettings settings) {
    Set<Conversion> on = EnumSet.noneOf(Conversion.class);
    for (Conversion c : Conversion.values()) {
      if (settings.get(FLAGS.get(c))) {
        on.add(c);
      }
    }
    if (on.isEmpty()) {
      throw new IllegalArgumentException(
          settings
              + " converts nothing: turn on at least one conversion, like "
              + settings.key(ENUM_AS_LABEL.key())
              + " = true (the conversions: "
              + String.join(", ", names())
              + ")");
    }
    return new ConvertFilter(settings.name(), on, settings.get(TABLES));
  }

  private static List<String> names() {
    List<String> names = new ArrayList<>();
    for (Conversion c : Conversion.values()) {
      names.add(c.setting());
    }
    return names;
  }
}
