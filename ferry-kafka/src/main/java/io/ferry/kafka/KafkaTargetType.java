package io.ferry.kafka;

import io.ferry.core.config.PluginConfig;
import io.ferry.core.config.Setting;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetKeys;
import io.ferry.core.target.TargetType;
import java.time.Clock;
import java.util.List;

/**
 * {@code target.type = kafka}: row changes as JSON messages, written with Kafka transactions
 * together with the position (docs/targets/kafka.md). Stateless and thread-safe.
 */
public final class KafkaTargetType implements TargetType {
  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String description() {
    return "Apache Kafka: one JSON message per row change (key: table and primary key), DDL on a"
        + " topic of its own, each block and its position in one Kafka transaction";
  }

  @Override
  public List<Setting<?>> settings() {
    return KafkaSettings.all();
  }

  @Override
  public List<Setting<?>> sharedSettings() {
    return List.of(TargetKeys.DDL);
  }

  @Override
  public List<String> check(PluginConfig config) {
    return KafkaSettings.check(config);
  }

  /**
   * {@code kafka://host:port[,host:port...]}: the brokers to start from (a port may be left out:
   * 9092).
   */
  @Override
  public List<String> endpoint(String address) {
    if (!address.startsWith("kafka://")) {
      return List.of();
    }
    String rest = address.substring("kafka://".length());
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    List<String> brokers = new java.util.ArrayList<>();
    for (String b : rest.split(",", -1)) {
      String h = b.strip();
      if (!h.matches("[A-Za-z0-9._\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?")) {
        throw new io.ferry.core.target.TargetException(
            "'"
                + address
                + "' is not a Kafka address: write kafka://host:port[,host:port...], like"
                + " kafka://kafka1:9092,kafka2:9092");
      }
      brokers.add(h.matches(".*:\\d{1,5}") ? h : h + ":9092");
    }
    return List.of(
        "target.type = kafka",
        KafkaSettings.BOOTSTRAP_SERVERS.key() + " = " + String.join(",", brokers));
  }

  @Override
  public Target open(PluginConfig config, Clock clock) {
    return new KafkaTarget(KafkaSettings.of(config), clock);
  }
}
