package io.ferry.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.pipeline.Applier;
import io.ferry.core.target.Target;
import io.ferry.core.target.TargetException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * One service's MongoDB target: makes its applier's clients, runs DDL, keeps the catalog and the
 * counters. Thread-safe: status is read from other threads; each applier has its own client.
 */
final class MongoTarget implements Target {
  private final MongoSettings settings;
  private final Clock clock;
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong statements = new AtomicLong();
  private final AtomicLong ddlIgnored = new AtomicLong();
  private volatile Capabilities capabilities;

  MongoTarget(MongoSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  MongoSettings settings() {
    return settings;
  }

  @Override
  public String describe() {
    return "mongodb " + settings.address();
  }

  @Override
  public Applier applier() {
    return new MongoApplier(this, settings, clock);
  }

  /** A new client; connections are made when first used. */
  MongoClient newClient() {
    try {
      ConnectionString cs = new ConnectionString(settings.uri());
      return MongoClients.create(
          MongoClientSettings.builder()
              .applyConnectionString(cs)
              .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
              .applyToSocketSettings(b -> b.connectTimeout(10, TimeUnit.SECONDS))
              .build());
    } catch (IllegalArgumentException e) {
      throw new TargetException(
          "target.mongodb.uri of service "
              + settings.service()
              + " is not a MongoDB connection string ("
              + e.getMessage()
              + "): see the driver's connection string format",
          e);
    }
  }

  /** What the server can do, asked once per client (hello). */
  Capabilities capabilities(MongoClient client) {
    BsonDocument hello;
    try {
      hello = command(client, "hello");
    } catch (MongoCommandException e) {
      if (e.getErrorCode() != 59) { // CommandNotFound: a server older than 4.4 (or a test server)
        throw e;
      }
      hello = command(client, "isMaster");
    }
    Capabilities c = Capabilities.decide(hello, settings.transactions(), describe());
    capabilities = c;
    return c;
  }

  private static BsonDocument command(MongoClient client, String name) {
    return client
        .getDatabase("admin")
        .runCommand(new BsonDocument(name, new BsonInt32(1)), BsonDocument.class);
  }

  WriteConcern writeConcern() {
    return switch (settings.writeConcern()) {
      case "acknowledged" -> WriteConcern.W1;
      case "journaled" -> WriteConcern.W1.withJournal(true);
      default -> WriteConcern.MAJORITY.withJournal(true);
    };
  }

  /** Creates a collection unless it exists, with non-unique indexes on the given keys. */
  void ensureCollection(MongoClient client, Namespace ns, List<List<String>> keys) {
    MongoDatabase db = client.getDatabase(ns.database()).withWriteConcern(writeConcern());
    boolean exists = false;
    for (String name : db.listCollectionNames()) {
      if (name.equals(ns.collection())) {
        exists = true;
        break;
      }
    }
    if (!exists) {
      try {
        db.createCollection(ns.collection());
      } catch (MongoCommandException e) {
        if (e.getErrorCode() != 48) { // NamespaceExists: another writer was first
          throw e;
        }
      }
    }
    MongoCollection<BsonDocument> coll = db.getCollection(ns.collection(), BsonDocument.class);
    for (List<String> key : keys) {
      List<org.bson.conversions.Bson> fields = new ArrayList<>();
      key.forEach(f -> fields.add(Indexes.ascending(f)));
      coll.createIndex(
          Indexes.compoundIndex(fields),
          new IndexOptions().name("ferry_uk_" + String.join("_", key)));
    }
  }

  /** Runs one translated DDL operation; each is idempotent, for replay after a crash. */
  void runDdl(MongoClient client, MongoDdl.Op op) {
    if (op instanceof MongoDdl.Create c) {
      Namespace ns = Namespace.of(settings, c.schema(), c.table());
      if (c.replace()) {
        collection(client, ns).drop();
      }
      ensureCollection(client, ns, c.uniqueKeys());
    } else if (op instanceof MongoDdl.Drop d) {
      collection(client, Namespace.of(settings, d.schema(), d.table())).drop();
    } else if (op instanceof MongoDdl.Truncate t) {
      collection(client, Namespace.of(settings, t.schema(), t.table()))
          .deleteMany(new BsonDocument());
    } else if (op instanceof MongoDdl.Rename r) {
      rename(client, r);
    } else if (op instanceof MongoDdl.DropField f) {
      collection(client, Namespace.of(settings, f.schema(), f.table()))
          .updateMany(
              new BsonDocument(),
              new BsonDocument("$unset", new BsonDocument(f.field(), new BsonInt32(1))));
    } else if (op instanceof MongoDdl.RenameField f) {
      collection(client, Namespace.of(settings, f.schema(), f.table()))
          .updateMany(
              new BsonDocument(f.from(), new BsonDocument("$exists", BsonBoolean.TRUE)),
              new BsonDocument("$rename", new BsonDocument(f.from(), new BsonString(f.to()))));
    } else if (op instanceof MongoDdl.DropSchema d) {
      if (settings.databasePerSchema()) {
        client.getDatabase(d.schema()).drop();
      } else {
        MongoDatabase db = client.getDatabase(settings.database());
        for (String name : db.listCollectionNames()) {
          if (name.startsWith(d.schema() + ".")) {
            db.getCollection(name).drop();
          }
        }
      }
    }
  }

  private void rename(MongoClient client, MongoDdl.Rename r) {
    Namespace from = Namespace.of(settings, r.schema(), r.table());
    Namespace to = Namespace.of(settings, r.toSchema(), r.toTable());
    boolean fromExists = exists(client, from);
    boolean toExists = exists(client, to);
    if (!fromExists) {
      return; // renamed already (a replay), or the table never had a row
    }
    if (toExists) {
      throw new TargetException(
          "RENAME TABLE "
              + r.schema()
              + "."
              + r.table()
              + " TO "
              + r.toSchema()
              + "."
              + r.toTable()
              + ": both collections "
              + from
              + " and "
              + to
              + " exist on "
              + describe()
              + "; drop or rename the one that should not be there, then bring the service online"
              + " again");
    }
    collection(client, from).renameCollection(new MongoNamespace(to.database(), to.collection()));
  }

  private static boolean exists(MongoClient client, Namespace ns) {
    for (String name : client.getDatabase(ns.database()).listCollectionNames()) {
      if (name.equals(ns.collection())) {
        return true;
      }
    }
    return false;
  }

  private MongoCollection<BsonDocument> collection(MongoClient client, Namespace ns) {
    return client
        .getDatabase(ns.database())
        .withWriteConcern(writeConcern())
        .getCollection(ns.collection(), BsonDocument.class);
  }

  void countIgnoredDdl() {
    ddlIgnored.incrementAndGet();
  }

  void committed(long tx, long rowCount, long statementCount) {
    transactions.addAndGet(tx);
    rows.addAndGet(rowCount);
    statements.addAndGet(statementCount);
  }

  /** Whether trying again may help: the connection, an election, a transient transaction. */
  static boolean isTransient(MongoException e) {
    return e instanceof MongoSocketException
        || e instanceof MongoTimeoutException
        || e instanceof com.mongodb.MongoNotPrimaryException
        || e instanceof com.mongodb.MongoNodeIsRecoveringException
        || e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
        || e.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL)
        || e.hasErrorLabel("RetryableWriteError");
  }

  @Override
  public void initializePosition(Checkpoint position) {
    try (MongoClient client = newClient()) {
      MongoCatalog catalog = new MongoCatalog(settings.catalogDatabase(), writeConcern());
      Checkpoint now = catalog.read(client);
      if (now.isNone() || now.seqno() < position.seqno()) {
        catalog.write(client, null, position, clock.millis());
      }
    } catch (MongoException e) {
      throw new TargetException(
          "cannot record the position in "
              + settings.catalogDatabase()
              + ".position on "
              + describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void dropCatalog() {
    try (MongoClient client = newClient()) {
      new MongoCatalog(settings.catalogDatabase(), writeConcern()).drop(client);
    } catch (MongoException e) {
      throw new TargetException(
          "cannot drop the catalog database "
              + settings.catalogDatabase()
              + " on "
              + describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Map<String, Map<String, Object>> stats() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("transactions", transactions.get());
    m.put("rows", rows.get());
    m.put("statements", statements.get());
    m.put("ddlIgnored", ddlIgnored.get());
    Capabilities c = capabilities;
    if (c != null) {
      m.put("server", c.kind());
      m.put("wireVersion", c.maxWireVersion());
      m.put("transactional", c.transactional());
    }
    return Map.of("applier", m);
  }
}
