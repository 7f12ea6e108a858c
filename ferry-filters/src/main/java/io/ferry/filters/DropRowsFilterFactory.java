package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code drop-rows}: drops row changes by a column's value. */
public final class DropRowsFilterFactory implements FilterFactory {
  public static final String TYPE = "drop-rows";

  public static final Setting<String> TABLE =
      RoutingConfig.setting(
          "table",
          SettingType.STRING,
          null,
          true,
          "The tables whose rows are tested: comma-separated patterns, schema or schema.table"
              + " (* and ?). Rows of other tables pass.");

  public static final Setting<String> COLUMN =
      RoutingConfig.setting(
          "column",
          SettingType.STRING,
          null,
          true,
          "The column whose value is tested, by name (compared without regard to case, as the"
              + " server does). A table without it passes whole.");

  public static final Setting<String> EQUALS =
      RoutingConfig.setting(
          "equals",
          SettingType.STRING,
          null,
          false,
          "Drop a row when the value's text form is one of these comma-separated values (blanks"
              + " around each are trimmed; NULL stands for SQL NULL). Text forms are as MariaDB"
              + " prints them: 42, 12.50 for DECIMAL(10,2), 2024-05-01 12:34:56, 0x00ff for bytes,"
              + " ENUM labels. Exactly one of equals, matches and not-equals.");

  public static final Setting<String> MATCHES =
      RoutingConfig.setting(
          "matches",
          SettingType.STRING,
          null,
          false,
          "Drop a row when this Java regular expression matches the value's whole text form;"
              + " NULL never matches. For values with commas or blanks at either end.");

  public static final Setting<String> NOT_EQUALS =
      RoutingConfig.setting(
          "not-equals",
          SettingType.STRING,
          null,
          false,
          "Drop a row when the value's text form is none of these comma-separated values (NULL"
              + " stands for SQL NULL): keeps only the rows with the listed values.");

  public static final Setting<String> IMAGE =
      RoutingConfig.setting(
          "image",
          SettingType.oneOf("after-else-before", "after", "before", "either"),
          "after-else-before",
          false,
          "Which row image is tested. after-else-before: inserts by their after image, deletes"
              + " by their before image, updates by both: an update that moves a row from a kept"
              + " to a dropped value is sent as a delete of its before image, one that moves it"
              + " from a dropped to a kept value as an insert of its after image (which needs every"
              + " column: binlog_row_image = FULL), so the target holds exactly the rows that do"
              + " not match. either: the same (kept for older configurations). after: only after"
              + " images (deletes pass; an update is dropped when its after image matches). before:"
              + " only before images (inserts pass; an update is dropped when its before image"
              + " matches). after and before test one image and do not move rows whose value"
              + " crosses the rule.");

  public static final Setting<String> ON_MISSING =
      RoutingConfig.setting(
          "on-missing",
          SettingType.oneOf("fail", "keep"),
          "fail",
          false,
          "What to do with a row whose tested image does not carry the column (binlog_row_image"
              + " = MINIMAL, or NOBLOB for an unchanged BLOB/TEXT column). fail: stop with an error"
              + " naming the table, the column and the seqno. keep: pass the row untested.");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String summary() {
    return "Drops row changes of some tables by the value of one column.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(TABLE, COLUMN, EQUALS, MATCHES, NOT_EQUALS, IMAGE, ON_MISSING);
  }

  @Override
  public Filter create(FilterSettings settings) {
    List<String> missing = new ArrayList<>();
    for (Setting<String> s : List.of(TABLE, COLUMN)) {
      if (!RoutingConfig.given(settings, s)) {
        missing.add(settings.key(s.key()));
      }
    }
    List<String> tests = new ArrayList<>();
    for (Setting<String> s : List.of(EQUALS, MATCHES, NOT_EQUALS)) {
      if (settings.get(s) != null) {
        tests.add(settings.key(s.key()));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          settings + ": set " + String.join(" and ", missing) + " (which rows of which tables)");
    }
    if (tests.size() != 1) {
      throw new IllegalArgumentException(
          settings
              + ": set exactly one of "
              + settings.key(EQUALS.key())
              + ", "
              + settings.key(MATCHES.key())
              + " and "
              + settings.key(NOT_EQUALS.key())
              + (tests.isEmpty() ? "; none is set" : "; " + String.join(" and ", tests) + " are"));
    }
    List<NamePattern> tables =
        RoutingConfig.patterns(settings, TABLE, 2, "schema or schema.table patterns");
    Predicate<String> drop;
    if (settings.get(MATCHES) != null) {
      Pattern p;
      try {
        p = Pattern.compile(settings.get(MATCHES));
      } catch (PatternSyntaxException e) {
        throw RoutingConfig.error(
            settings,
            MATCHES,
            "'" + settings.get(MATCHES) + "' is not a regular expression: " + e.getDescription());
      }
      drop = text -> text != null && p.matcher(text).matches();
    } else {
      boolean equals = settings.get(EQUALS) != null;
      Setting<String> key = equals ? EQUALS : NOT_EQUALS;
      List<String> words = RoutingConfig.words(settings, key);
      if (words.isEmpty()) {
        throw RoutingConfig.error(settings, key, "give at least one value (NULL for SQL NULL)");
      }
      boolean nulls = words.contains("NULL");
      Set<String> values = Set.copyOf(words.stream().filter(w -> !w.equals("NULL")).toList());
      Predicate<String> listed = text -> text == null ? nulls : values.contains(text);
      drop = equals ? listed : listed.negate();
    }
    return new DropRowsFilter(
        settings.name(),
        tables,
        RoutingConfig.text(settings, COLUMN),
        drop,
        DropRowsFilter.Image.of(settings.get(IMAGE)),
        settings.get(ON_MISSING).equals("fail"));
  }
}
