package io.ferry.mongodb;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * A MongoDB wire-protocol server inside the test JVM (mongo-java-server, in-memory backend,
 * answering as MongoDB 5.0): the only MongoDB this machine has. It has no transactions, no replica
 * set and its own index and write-concern behaviour; see docs/targets/mongodb.md for what tests
 * against it do not prove.
 */
final class InJvmMongo implements AutoCloseable {
  private final MongoServer server;
  final String uri;

  InJvmMongo() {
    server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    InetSocketAddress a = server.bind();
    uri = "mongodb://127.0.0.1:" + a.getPort() + "/";
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
