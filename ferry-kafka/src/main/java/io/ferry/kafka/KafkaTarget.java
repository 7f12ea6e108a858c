package io.ferry.kafka;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * One service's Kafka target: its appliers (one at a time), the position topic as its catalog, and
 * what they did. The admin client is made when first needed. Thread-safe.
 */
public final class KafkaTarget implements Target {
  private final KafkaSettings settings;
  private final KafkaClients clients;
  private final Clock clock;
  private final KafkaStats stats = new KafkaStats();
  private Admin admin;
  private Topics topics;

  KafkaTarget(KafkaSettings settings, Clock clock) {
    this.settings = settings;
    this.clients = new KafkaClients(settings);
    this.clock = clock;
  }

  @Override
  public String describe() {
    return settings.describe();
  }

  private synchronized Topics topics() {
    if (topics == null) {
      admin = clients.admin();
      topics = new Topics(settings, admin);
    }
    return topics;
  }

  @Override
  public Applier applier() {
    return new KafkaApplier(settings, clients, topics(), stats, clock);
  }

  @Override
  public void initializePosition(Checkpoint position) {
    KafkaApplier a = new KafkaApplier(settings, clients, topics(), stats, clock);
    try {
      a.initializePosition(position);
    } finally {
      a.close();
    }
  }

  /**
   * Deletes the position topic: the next start begins from nothing. The row and DDL topics stay
   * (they are the consumers' data).
   */
  @Override
  public void dropCatalog() {
    try {
      Admin a;
      synchronized (this) {
        topics();
        a = admin;
      }
      if (a.listTopics().names().get(30, TimeUnit.SECONDS).contains(settings.positionTopic())) {
        a.deleteTopics(List.of(settings.positionTopic())).all().get(60, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException("interrupted while deleting " + settings.positionTopic(), e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new TargetException(
          "cannot delete the position topic "
              + settings.positionTopic()
              + " on "
              + settings.describe()
              + ": "
              + (e.getCause() == null ? e : e.getCause()).getMessage()
              + "; delete it yourself (kafka-topics.sh --delete --topic "
              + settings.positionTopic()
              + ")",
          e);
    }
  }

  @Override
  public Map<String, Map<String, Object>> stats() {
    return Map.of("applier", stats.snapshot());
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(5));
      admin = null;
      topics = null;
    }
  }
}
