package io.ferry.mysql.analysis;

import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.Shards;
import io.ferry.core.event.Transaction;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An estimate of how parallel a workload is under parallel apply's two schedulers: for each, the
 * work (transactions) divided by the span (the longest chain of transactions that must run one
 * after another), the most any number of channels could speed up applying it. Shard: a transaction
 * depends on the earlier ones of its shard; global ones, those that must commit alone and those of
 * several fragments run alone. Key: a transaction depends on the last earlier one that touched a
 * row it touches, by the key its rows are located by (the primary key, as the binlog marks it,
 * compared as the bytes say); statements, tables without a key, changes outside a transaction,
 * transactions of several fragments and key sets over {@link #MAX_KEYS} run alone. The scheduler
 * itself also keys unique and foreign keys and reads the target's definitions, so it finds more
 * dependencies than this estimate: the key bound is an upper bound. Not thread-safe.
 */
final class Parallelism {
  static final int MAX_KEYS = 10_000;

  /** Keys remembered at most; beyond it the memory is reset with a barrier (a smaller bound). */
  static final int MAX_TRACKED = 2_000_000;

  private long work;

  // shard scheduler
  private final Map<String, Long> segment = new HashMap<>();
  private final Map<String, Long> perShard = new HashMap<>();
  private long segmentMax;
  private long shardSpan;
  private long shardBarriers;

  // key scheduler
  private final Map<Long, Long> depthOfKey = new HashMap<>();
  private long maxDepth;
  private long barrierDepth;
  private long keyBarriers;
  private final Map<String, Long> keyBarrierReasons = new LinkedHashMap<>();

  // the open transaction
  private long[] keys = new long[16];
  private int keyCount;
  private String barrier;
  private boolean fragmented;

  void fragment(Transaction tx, boolean rowsOnly) {
    if (tx.fragno() == 0) {
      keyCount = 0;
      barrier = null;
      fragmented = !tx.lastFrag();
    }
    if (!rowsOnly) {
      barrier = barrier == null ? "statement" : barrier;
    }
    for (Change c : tx.changes()) {
      if (c instanceof RowChanges rc && barrier == null) {
        keysOf(rc);
      }
    }
    if (tx.lastFrag()) {
      end(tx);
    }
  }

  private void keysOf(RowChanges rc) {
    int[] key = keyColumns(rc);
    if (key.length == 0) {
      barrier = "table without a key";
      return;
    }
    long table = (rc.schema() + "." + rc.table()).hashCode();
    for (Row r : rc.rows()) {
      if (r.hasBefore()) {
        addKey(table, r, key, true);
      }
      if (r.hasAfter()) {
        addKey(table, r, key, false);
      }
      if (keyCount > MAX_KEYS) {
        barrier = "more than " + MAX_KEYS + " keys";
        return;
      }
    }
  }

  private static int[] keyColumns(RowChanges rc) {
    int n = 0;
    int[] out = new int[rc.columns().size()];
    for (int i = 0; i < rc.columns().size(); i++) {
      ColumnSpec c = rc.columns().get(i);
      if (c.key()) {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void addKey(long table, Row r, int[] key, boolean before) {
    long h = table * 31 + 17;
    for (int col : key) {
      Object v = before ? r.before(col) : r.after(col);
      h =
          h * 1_000_003
              + (v instanceof byte[] b ? Arrays.hashCode(b) : java.util.Objects.hashCode(v));
    }
    if (keyCount == keys.length) {
      keys = Arrays.copyOf(keys, keys.length * 2);
    }
    keys[keyCount++] = h;
  }

  private void end(Transaction tx) {
    work++;
    boolean alone =
        "true".equals(tx.header().option(io.ferry.core.event.TransactionOptions.COMMIT_REQUIRED));
    String shard = tx.header().shard();
    // shard
    if (alone || fragmented || Shards.GLOBAL.equals(shard)) {
      shardSpan += segmentMax + 1;
      segment.clear();
      segmentMax = 0;
      shardBarriers++;
    } else {
      long n = segment.merge(shard, 1L, Long::sum);
      segmentMax = Math.max(segmentMax, n);
      perShard.merge(shard, 1L, Long::sum);
    }
    // key
    String why =
        alone ? "outside a transaction or DDL" : fragmented ? "several fragments" : barrier;
    if (why == null && depthOfKey.size() + keyCount > MAX_TRACKED) {
      why = "key memory reset";
      depthOfKey.clear();
    }
    if (why != null) {
      maxDepth++;
      barrierDepth = maxDepth;
      keyBarriers++;
      keyBarrierReasons.merge(why, 1L, Long::sum);
    } else {
      long depth = barrierDepth;
      for (int i = 0; i < keyCount; i++) {
        depth = Math.max(depth, depthOfKey.getOrDefault(keys[i], 0L));
      }
      depth++;
      for (int i = 0; i < keyCount; i++) {
        depthOfKey.put(keys[i], depth);
      }
      maxDepth = Math.max(maxDepth, depth);
    }
    keyCount = 0;
    barrier = null;
  }

  Map<String, Object> report() {
    Map<String, Object> r = new LinkedHashMap<>();
    long span = shardSpan + segmentMax;
    Map<String, Object> shard = new LinkedHashMap<>();
    shard.put("shards", perShard.size());
    shard.put("ranAlone", shardBarriers);
    shard.put("bound", bound(span));
    String busiest = null;
    long most = 0;
    for (Map.Entry<String, Long> e : perShard.entrySet()) {
      if (e.getValue() > most) {
        most = e.getValue();
        busiest = e.getKey();
      }
    }
    shard.put("busiestShard", busiest);
    shard.put("busiestShardTransactions", most);
    r.put("shard", shard);
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("ranAlone", keyBarriers);
    key.put("ranAloneBecause", new LinkedHashMap<>(keyBarrierReasons));
    key.put("bound", bound(maxDepth));
    r.put("key", key);
    r.put(
        "meaning",
        "bound = transactions / the longest chain that must run in order: the most any number of"
            + " channels could speed up applying this workload (an upper bound: the key scheduler"
            + " also keys unique and foreign keys, and the target's CPU and I/O bound it"
            + " further)");
    return r;
  }

  private double bound(long span) {
    return span == 0 ? 0 : Math.round(work * 10.0 / span) / 10.0;
  }
}
