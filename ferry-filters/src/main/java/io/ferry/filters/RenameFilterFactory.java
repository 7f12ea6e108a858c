package io.ferry.filters;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code rename}: renames schemas, tables and columns. */
public final class RenameFilterFactory implements FilterFactory {
  public static final String TYPE = "rename";

  public static final Setting<String> RULES =
      RoutingConfig.setting(
          "rules",
          SettingType.STRING,
          "",
          false,
          "Comma-separated from=to renames: schema=schema, schema.table=schema.table (which may"
              + " move the table to another schema) or schema.table.column=schema.table.column"
              + " (renames only the column). * may stand for a whole name on the from side and"
              + " keeps the matched name on the to side: *.users=*.customers. Names are matched"
              + " as the source has them; the most specific rule wins.");

  public static final Setting<java.nio.file.Path> FILE =
      RoutingConfig.setting(
          "file",
          SettingType.PATH,
          null,
          false,
          "A CSV file of more rules, one from,to per line; blank lines and lines starting with #"
              + " are skipped. Relative to the configuration file's directory.");

  public static final Setting<String> STATEMENTS =
      RoutingConfig.setting(
          "statements",
          SettingType.oneOf("default-schema", "fail"),
          "fail",
          false,
          "Statements are never edited: their default schema is renamed by schema rules. A"
              + " statement whose text names what a rule renames (app.users, CREATE DATABASE app,"
              + " a table a table rule renames, a table with renamed columns) stops the service"
              + " naming the seqno, the statement and the rule (fail, the default: such a"
              + " statement would change the old names on the target), or is passed with only its"
              + " default schema renamed and a warning once per name (default-schema, for logs"
              + " where such statements are known to be harmless).");

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String summary() {
    return "Renames schemas, tables and columns in row changes, and the default schema of"
        + " statements.";
  }

  @Override
  public List<Setting<?>> settings() {
    return List.of(RULES, FILE, STATEMENTS);
  }

  @Override
  public Filter create(FilterSettings settings) {
    List<RenameRules.Item> items = new ArrayList<>();
    String rulesKey = settings.key(RULES.key());
    for (String item : RoutingConfig.words(settings, RULES)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            rulesKey
                + ": '"
                + item
                + "' is not a rename rule: write from=to, like app=app2, app.users=app.customers"
                + " or app.users.name=app.users.full_name");
      }
      items.add(
          new RenameRules.Item(
              item, item.substring(0, eq).strip(), item.substring(eq + 1).strip(), rulesKey));
    }
    Path file = settings.path(FILE);
    if (file != null) {
      items.addAll(readFile(settings, file));
    }
    RenameRules rules = RenameRules.of(items);
    if (rules.isEmpty()) {
      throw new IllegalArgumentException(
          settings
              + ": set "
              + rulesKey
              + " or "
              + settings.key(FILE.key())
              + " (without rules the filter renames nothing)");
    }
    return new RenameFilter(settings.name(), rules, "fail".equals(settings.get(STATEMENTS)));
  }

  private static List<RenameRules.Item> readFile(FilterSettings settings, Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          settings.key(FILE.key()) + ": rename rules file " + file + " does not exist", e);
    } catch (MalformedInputException e) {
      throw new IllegalArgumentException(
          settings.key(FILE.key()) + ": rename rules file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          settings.key(FILE.key())
              + ": cannot read rename rules file "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
    List<RenameRules.Item> items = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int comma = line.indexOf(',');
      if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
        throw new IllegalArgumentException(
            where
                + ": '"
                + line
                + "' is not a rename rule: write from,to (like app.users,app.customers)");
      }
      String from = line.substring(0, comma).strip();
      String to = line.substring(comma + 1).strip();
      items.add(new RenameRules.Item(from + "=" + to, from, to, where));
    }
    return items;
  }
}
