package io.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import io.ferry.testkit.Sysbench;
import io.ferry.testkit.TcpProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * MariaDB → a direct service ({@code target.type = mongodb}, a real replicator process) → the
 * in-JVM MongoDB server, while sysbench read-write runs on several schemas; the service is killed
 * with SIGKILL several times during the load, and half as many times the network between it and
 * MongoDB is cut (writes in flight break; the service retries from its last commit). Afterwards
 * every sysbench table's rows, read from MariaDB, equal the collection's documents field by field
 * ({@code _id} = id, id, k, c, pad): no row lost, none left behind by a delete or a key change,
 * none stale, whatever the kills replayed. The suite runs {@code ferry.mongo.kills} (default 4)
 * kills; {@code scripts/mongo-kill-soak.sh} runs the long form (10).
 */
class MongoKillTest {
  private static final int SCHEMAS = 3;

  @RegisterExtension final SandboxExtension db = SandboxExtension.mariadb(1);

  @TempDir Path dir;

  @Test
  void killedManyTimesTheDocumentsStillEqualTheSourceRows() throws Exception {
    assumeTrue(Sysbench.installed(), "sysbench is not installed (scripts/test.sh installs it)");
    int kills = Integer.getInteger("ferry.mongo.kills", 4);
    long seed = Long.getLong("ferry.mongo.seed", 14L);
    SandboxServer source = db.server(1);
    Sysbench sysbench = new Sysbench("oltp_read_write", 2, 500, 1);
    List<String> schemas = new ArrayList<>();
    for (int i = 1; i <= SCHEMAS; i++) {
      schemas.add("mg" + i);
      sysbench.prepare(source, "mg" + i);
    }
    MongoServer mongo = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    String uri = "mongodb://127.0.0.1:" + mongo.bind().getPort() + "/";
    // the replicator reaches MongoDB through a proxy whose connections the test cuts
    TcpProxy proxy = new TcpProxy("127.0.0.1", mongo.getLocalAddress().getPort());
    List<String> lines = new ArrayList<>();
    lines.add("service.name = mongo_k");
    lines.add("service.role = direct");
    lines.add("service.dir = " + dir.resolve("mongo_k"));
    lines.addAll(ServiceFiles.source(source));
    lines.add("source.start = beginning");
    lines.add("target.type = mongodb");
    lines.add("target.mongodb.uri = mongodb://127.0.0.1:" + proxy.port() + "/");
    lines.add("apply.retry-for = 5m");
    lines.add("target.mongodb.write-concern = journaled");
    lines.add("apply.block-commit-events = 50");
    lines.add("apply.block-commit-latency = 50ms");
    Path config = dir.resolve("mongo_k.conf");
    Files.write(config, lines);
    ServiceProcess service = new ServiceProcess(config);
    List<Process> load = new ArrayList<>();
    long began = System.nanoTime();
    try (MongoClient client = MongoClients.create(uri)) {
      service.start();
      for (String schema : schemas) {
        load.add(sysbench.run(source, schema, 0, 20, null));
      }
      Random random = new Random(seed);
      List<String> victims = new ArrayList<>();
      for (int i = 0; i < kills; i++) {
        victims.add("replicator");
      }
      for (int i = 0; i < kills / 2; i++) {
        victims.add("network");
      }
      java.util.Collections.shuffle(victims, random);
      for (String victim : victims) {
        Thread.sleep(1500 + random.nextInt(2500));
        service.checkAlive();
        if (victim.equals("replicator")) {
          service.kill();
          Thread.sleep(random.nextInt(500));
          service.start();
        } else {
          proxy.cut(); // writes in flight break: the service retries from its last commit
          Thread.sleep(100 + random.nextInt(1000));
          proxy.restore();
        }
      }
      Thread.sleep(1000);
      for (Process p : load) {
        assertThat(p.isAlive()).as("sysbench ran all along").isTrue();
        p.destroy();
        p.waitFor();
      }
      String token = UUID.randomUUID().toString();
      Sql.run(
          source,
          "CREATE TABLE IF NOT EXISTS mg1.mark (id INT PRIMARY KEY, token VARCHAR(64))",
          "REPLACE INTO mg1.mark VALUES (1, '" + token + "')");
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (client
              .getDatabase("mg1")
              .getCollection("mark", BsonDocument.class)
              .find(Filters.eq("token", token))
              .first()
          == null) {
        service.checkAlive();
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "MongoDB did not catch up; service log tail:\n" + service.tail());
        }
        Thread.sleep(200);
      }
      service.checkAlive();
      long documents = 0;
      for (String schema : schemas) {
        for (String table : List.of("sbtest1", "sbtest2")) {
          Map<BsonValue, BsonDocument> expected = sourceRows(source, schema + "." + table);
          assertThat(expected).as(schema + "." + table + " on the source").hasSizeGreaterThan(400);
          Map<BsonValue, BsonDocument> got = new HashMap<>();
          client
              .getDatabase(schema)
              .getCollection(table, BsonDocument.class)
              .find()
              .forEach(d -> got.put(d.get("_id"), d));
          assertThat(got.keySet())
              .as(schema + "." + table + ": the _ids")
              .isEqualTo(expected.keySet());
          for (Map.Entry<BsonValue, BsonDocument> e : expected.entrySet()) {
            assertThat(got.get(e.getKey()))
                .as(schema + "." + table + " _id " + e.getKey())
                .isEqualTo(e.getValue());
          }
          documents += got.size();
        }
      }
      String log = Files.readString(config.resolveSibling("mongo_k.conf.log"));
      assertThat(log).doesNotContain("ERROR");
      List<String> resumed =
          log.lines().filter(l -> l.contains("stage binlog-to-target starts after")).toList();
      // a kill may come before the stage started (while the JVM starts), and a retry after a cut
      // starts the stage again in the same process
      assertThat(resumed).as("starts of the applying stage").hasSizeGreaterThan(kills / 2);
      long retries = log.lines().filter(l -> l.contains("retrying from its last commit")).count();
      BsonDocument position =
          client
              .getDatabase("ferry_mongo_k")
              .getCollection("position", BsonDocument.class)
              .find()
              .first();
      assertThat(position.getInt64("seqno").getValue()).isGreaterThan(500);
      service.stop();
      System.out.printf(
          "mongodb kill test: %d kills of the replicator, %d network cuts, %d documents equal to the source rows,"
              + " position seqno %d, %d retries, %.0f s; resumed: %s%n",
          kills,
          kills / 2,
          documents,
          position.getInt64("seqno").getValue(),
          retries,
          (System.nanoTime() - began) / 1e9,
          resumed);
    } finally {
      for (Process p : load) {
        p.destroyForcibly();
      }
      service.kill();
      proxy.close();
      mongo.shutdownNow();
    }
  }

  /** The documents sysbench's rows must be: {_id: id, id, k, c, pad}, from MariaDB's SELECT. */
  private static Map<BsonValue, BsonDocument> sourceRows(SandboxServer s, String table)
      throws Exception {
    Map<BsonValue, BsonDocument> rows = new HashMap<>();
    try (Connection c = s.connect(s.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, k, c, pad FROM " + table)) {
      while (rs.next()) {
        BsonInt32 id = new BsonInt32(rs.getInt(1));
        rows.put(
            id,
            new BsonDocument("_id", id)
                .append("id", id)
                .append("k", new BsonInt32(rs.getInt(2)))
                .append("c", new BsonString(rs.getString(3)))
                .append("pad", new BsonString(rs.getString(4))));
      }
    }
    return rows;
  }
}
