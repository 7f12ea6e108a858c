package io.ferry.mongodb;

import com.mongodb.ConnectionString;
import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.target.SchemaTranslator;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import io.ferry.core.target.TargetType;
import java.time.Clock;
import java.util.List;

/**
 * {@code target.type = mongodb}: a collection per table, typed documents with their {@code _id}
 * from the primary key, idempotent writes, the position after the data (in a transaction where the
 * server has them). See docs/targets/mongodb.md. Stateless and thread-safe.
 */
public final class MongoTargetType implements TargetType {
  @Override
  public String name() {
    return "mongodb";
  }

  @Override
  public String description() {
    return "MongoDB (official Java driver): a collection per table, documents with real BSON"
        + " types, _id from the primary key, upserts and deletes by _id, the position in"
        + " ferry_<service>.position after the data (in one transaction on replica sets)";
  }

  @Override
  public List<Setting<?>> settings() {
    return MongoSettings.own();
  }

  @Override
  public List<Setting<?>> sharedSettings() {
    return MongoSettings.shared();
  }

  @Override
  public List<String> check(PluginConfig config) {
    return MongoSettings.check(config);
  }

  @Override
  public List<SchemaTranslator> translators() {
    return List.of(new MongoShellTranslator());
  }

  /**
   * {@code mongodb://…} and {@code mongodb+srv://…} connection strings: the service's {@code
   * target.mongodb.uri}.
   */
  @Override
  public List<String> endpoint(String address) {
    if (!address.startsWith("mongodb://") && !address.startsWith("mongodb+srv://")) {
      return List.of();
    }
    try {
      new ConnectionString(address);
    } catch (IllegalArgumentException e) {
      throw new TargetException(
          "'"
              + address.replaceAll("//[^@/]*@", "//***@")
              + "' is not a MongoDB connection string ("
              + e.getMessage()
              + "): write mongodb://[user:password@]host[:port][,host2...]/[?replicaSet=NAME]");
    }
    return List.of("target.type = mongodb", "target.mongodb.uri = " + address);
  }

  @Override
  public Target open(PluginConfig config, Clock clock) {
    return new MongoTarget(MongoSettings.of(config), clock);
  }

  /** A target from settings made in code (tests, the benchmark). */
  public static Target open(MongoSettings settings, Clock clock) {
    return new MongoTarget(settings, clock);
  }
}
