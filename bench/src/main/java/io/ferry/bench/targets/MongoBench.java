package io.ferry.bench.targets;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.ferry.core.event.Action;
import io.ferry.core.event.Change;
import io.ferry.core.event.ColumnSpec;
import io.ferry.core.event.Row;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlType;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.Target;
import io.ferry.core.value.Text;
import io.ferry.mongodb.MongoSettings;
import io.ferry.mongodb.MongoTargetType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * Row changes per second into MongoDB through the MongoDB applier: sysbench-shaped transactions
 * (two updates, a delete and an insert on a table of id, k, c CHAR(120), pad CHAR(60)) applied in
 * blocks of 100 transactions, against one write per row change sent on its own (what an applier
 * without batching does), with the same write concern on both sides. The server is
 * mongo-java-server inside this JVM (in memory, no journal, no replica set): the figures say what
 * the applier costs, not what a real mongod does with the writes. Not a test: it prints figures.
 *
 * <p>Usage: {@code MongoBench [transactions (20000)] [table rows (10000)]}
 */
public final class MongoBench {
  private MongoBench() {}

  private static final List<ColumnSpec> COLUMNS =
      List.of(
          ColumnSpec.of("id", SqlType.INT).asKey(),
          ColumnSpec.of("k", SqlType.INT),
          ColumnSpec.of("c", SqlType.CHAR).withCharset("utf8mb4"),
          ColumnSpec.of("pad", SqlType.CHAR).withCharset("utf8mb4"));

  public static void main(String[] args) throws Exception {
    int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int tableRows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    MongoServer server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    String uri = "mongodb://127.0.0.1:" + server.bind().getPort() + "/";
    try {
      Random random = new Random(14);
      List<Transaction> load = new ArrayList<>();
      List<Change> fill = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      for (int id = 0; id < tableRows; id++) {
        rows.add(Row.insert(row(id, random)));
      }
      fill.add(RowChanges.full("bench", "sbtest1", Action.INSERT, COLUMNS, rows));
      load.add(tx(0, fill));
      int nextId = tableRows;
      List<Integer> live = new ArrayList<>();
      for (int id = 0; id < tableRows; id++) {
        live.add(id);
      }
      long changes = 0;
      for (int t = 1; t <= transactions; t++) {
        List<Change> cs = new ArrayList<>();
        for (int u = 0; u < 2; u++) {
          int id = live.get(random.nextInt(live.size()));
          Object[] before = row(id, random);
          Object[] after = row(id, random);
          cs.add(
              RowChanges.full(
                  "bench", "sbtest1", Action.UPDATE, COLUMNS, List.of(Row.of(before, after))));
        }
        int victim = random.nextInt(live.size());
        int gone = live.get(victim);
        live.set(victim, nextId);
        cs.add(
            RowChanges.full(
                "bench",
                "sbtest1",
                Action.DELETE,
                COLUMNS,
                List.of(Row.delete(row(gone, random)))));
        cs.add(
            RowChanges.full(
                "bench",
                "sbtest1",
                Action.INSERT,
                COLUMNS,
                List.of(Row.insert(row(nextId++, random)))));
        changes += 4;
        load.add(tx(t, cs));
      }

      MongoSettings settings = MongoSettings.of("bench", uri).with("auto", "journaled");
      try (Target target = MongoTargetType.open(settings, Clock.systemUTC());
          Applier applier = target.applier()) {
        applier.lastCommitted();
        applier.apply(load.get(0));
        applier.commit();
        long began = System.nanoTime();
        int inBlock = 0;
        for (int t = 1; t < load.size(); t++) {
          applier.apply(load.get(t));
          if (++inBlock == 100) {
            applier.commit();
            inBlock = 0;
          }
        }
        applier.commit();
        double seconds = (System.nanoTime() - began) / 1e9;
        double applierRate = changes / seconds;

        // the same row changes, one write at a time, with the same write concern
        try (MongoClient client = MongoClients.create(uri)) {
          MongoCollection<BsonDocument> coll =
              client
                  .getDatabase("bench_naive")
                  .getCollection("sbtest1", BsonDocument.class)
                  .withWriteConcern(com.mongodb.WriteConcern.W1.withJournal(true));
          int naiveTx = Math.min(transactions, 5000);
          long naiveBegan = System.nanoTime();
          long naiveChanges = 0;
          ReplaceOptions upsert = new ReplaceOptions().upsert(true);
          for (int t = 1; t <= naiveTx; t++) {
            for (Change c : load.get(t).changes()) {
              RowChanges rc = (RowChanges) c;
              for (Row r : rc.rows()) {
                if (rc.action() == Action.DELETE) {
                  coll.deleteOne(Filters.eq("_id", new BsonInt32(((Long) r.before(0)).intValue())));
                } else {
                  BsonDocument d = naive(r);
                  coll.replaceOne(Filters.eq("_id", d.get("_id")), d, upsert);
                }
                naiveChanges++;
              }
            }
          }
          double naiveRate = naiveChanges / ((System.nanoTime() - naiveBegan) / 1e9);
          System.out.printf(
              Locale.ROOT,
              "mongodb target (in-JVM mongo-java-server %s, not a real mongod; write concern"
                  + " journaled):%n"
                  + "  applier, blocks of 100 transactions, ordered bulk writes: %,.0f row"
                  + " changes/s (%,d row changes in %.2f s)%n"
                  + "  one write per row change (no batching):                 %,.0f row"
                  + " changes/s (%,d row changes)%n"
                  + "  ratio: %.1fx%n",
              "1.47.0",
              applierRate,
              changes,
              seconds,
              naiveRate,
              naiveChanges,
              applierRate / naiveRate);
        }
      }
    } finally {
      server.shutdownNow();
    }
  }

  private static Transaction tx(long seqno, List<Change> changes) {
    return new Transaction(
        new TransactionHeader(
            seqno, 1, 0, true, null, "1", "bench", "bench", seqno * 1000, seqno * 1000, null),
        changes);
  }

  private static Object[] row(int id, Random random) {
    return new Object[] {
      (long) id,
      (long) random.nextInt(10_000),
      Text.of(text(random, 119)),
      Text.of(text(random, 59))
    };
  }

  private static String text(Random random, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(i % 12 == 11 ? '-' : (char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  private static BsonDocument naive(Row r) {
    BsonInt32 id = new BsonInt32(((Long) r.after(0)).intValue());
    return new BsonDocument("_id", id)
        .append("id", id)
        .append("k", new BsonInt32(((Long) r.after(1)).intValue()))
        .append("c", new BsonString(r.after(2).toString()))
        .append("pad", new BsonString(r.after(3).toString()));
  }
}
