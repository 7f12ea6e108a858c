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
    return List.of(TargetKeys.TYPE, TargetKeys.DDL);
  }

  @Override
  public List<String> check(PluginConfig config) {
    return KafkaSettings.check(config);
  }

  @Override
  public Target open(PluginConfig config, Clock clock) {
    return new KafkaTarget(KafkaSettings.of(config), clock);
  }
}
