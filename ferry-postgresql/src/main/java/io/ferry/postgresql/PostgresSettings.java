package io.ferry.postgresql;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.target.TargetKeys;
import java.util.List;

/** The settings of target.type = postgresql, declared once. */
public final class PostgresSettings {
  private PostgresSettings() {}

  public static final Setting<String> SCHEMA =
      new Setting<>(
          "target.postgresql.schema",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "Puts every replicated table into this one PostgreSQL schema instead of the schema named"
              + " like its source schema (default: empty, the same name). Tables of the same name"
              + " in different source schemas would then meet: rename them with the rename"
              + " filter.");

  public static final Setting<String> SCHEMA_PREFIX =
      new Setting<>(
          "target.postgresql.schema-prefix",
          SettingType.STRING,
          "",
          false,
          TargetKeys.APPLIES,
          false,
          "Prepended to each source schema's name to make its PostgreSQL schema (for example"
              + " 'mdb_' puts shop.orders into mdb_shop.orders); ignored when"
              + " target.postgresql.schema is set.");

  public static final Setting<String> INVALID_TEXT =
      new Setting<>(
          "target.postgresql.invalid-text",
          SettingType.oneOf("fail", "replace"),
          "fail",
          false,
          TargetKeys.APPLIES,
          false,
          "Character data PostgreSQL cannot hold as it is (bytes not valid in the column's"
              + " character set, or a NUL character): stop the service with the table, column and"
              + " seqno (fail), or write U+FFFD in their place (replace).");

  /** Every key of this type, in reference order. */
  public static List<Setting<?>> all() {
    return List.of(SCHEMA, SCHEMA_PREFIX, INVALID_TEXT);
  }
}
