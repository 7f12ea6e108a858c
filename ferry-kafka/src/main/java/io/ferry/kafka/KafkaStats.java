package io.ferry.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What a service's Kafka appliers did since it started. Thread-safe (atomic counters). */
final class KafkaStats {
  final AtomicLong transactions = new AtomicLong();
  final AtomicLong rows = new AtomicLong();
  final AtomicLong messages = new AtomicLong();
  final AtomicLong blocks = new AtomicLong();
  final AtomicLong ddl = new AtomicLong();
  final AtomicLong ddlIgnored = new AtomicLong();
  final AtomicLong rolledBack = new AtomicLong();
  final AtomicLong accountDdlSkipped = new AtomicLong();

  void committed(long txs, long rowCount, long messageCount) {
    transactions.addAndGet(txs);
    rows.addAndGet(rowCount);
    messages.addAndGet(messageCount);
    blocks.incrementAndGet();
  }

  Map<String, Object> snapshot() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transactions", transactions.get());
    m.put("rows", rows.get());
    m.put("messages", messages.get());
    m.put("kafkaTransactions", blocks.get());
    m.put("ddlMessages", ddl.get());
    m.put("ddlIgnored", ddlIgnored.get());
    m.put("rolledBackTransactions", rolledBack.get());
    m.put("accountDdlSkipped", accountDdlSkipped.get());
    return m;
  }
}
