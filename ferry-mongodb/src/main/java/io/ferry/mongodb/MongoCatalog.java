package io.ferry.mongodb;

import com.mongodb.WriteConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.position.NativePosition;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Ferry's catalog in MongoDB: the database {@code ferry_<service>} (or target.mongodb.catalog-
 * database) with the collections {@code position} (one document, {@code _id: 0}: the last committed
 * seqno, epoch, fragment, native position and source commit time) and {@code heartbeat} (one
 * document per heartbeat name). Used by one applier thread.
 */
final class MongoCatalog {
  static final String POSITION = "position";
  static final String HEARTBEAT = "heartbeat";
  private static final BsonInt32 TASK = new BsonInt32(0);

  private final String database;
  private final WriteConcern writeConcern;

  /**
   * @param writeConcern for writes outside a transaction (inside one, the transaction's applies)
   */
  MongoCatalog(String database, WriteConcern writeConcern) {
    this.database = database;
    this.writeConcern = writeConcern;
  }

  String database() {
    return database;
  }

  private MongoCollection<BsonDocument> collection(MongoClient client, String name) {
    return client.getDatabase(database).getCollection(name, BsonDocument.class);
  }

  /** The committed position, or {@link Checkpoint#NONE}. */
  Checkpoint read(MongoClient client) {
    BsonDocument d = collection(client, POSITION).find(Filters.eq("_id", TASK)).first();
    if (d == null) {
      return Checkpoint.NONE;
    }
    NativePosition pos =
        d.get("nativeKind", BsonNull.VALUE).isString()
            ? NativePosition.parse(
                d.getString("nativeKind").getValue(), d.getString("nativePosition").getValue())
            : null;
    return new Checkpoint(
        d.getInt64("seqno").getValue(),
        d.getInt64("epoch").getValue(),
        d.getInt32("fragno").getValue(),
        d.getBoolean("lastFrag").getValue(),
        pos,
        d.getInt64("sourceCommitMicros").getValue());
  }

  /** Writes the position; in the session's transaction when one is given. */
  void write(MongoClient client, ClientSession session, Checkpoint c, long nowMillis) {
    BsonDocument d =
        new BsonDocument("_id", TASK)
            .append("seqno", new BsonInt64(c.seqno()))
            .append("epoch", new BsonInt64(c.epoch()))
            .append("fragno", new BsonInt32(c.fragno()))
            .append("lastFrag", BsonBoolean.valueOf(c.lastFrag()))
            .append(
                "nativeKind", text(c.nativePosition() == null ? null : c.nativePosition().kind()))
            .append(
                "nativePosition",
                text(c.nativePosition() == null ? null : c.nativePosition().text()))
            .append("sourceCommitMicros", new BsonInt64(c.sourceCommitMicros()))
            .append("updated", new BsonDateTime(nowMillis));
    replace(client, session, POSITION, d);
  }

  /**
   * Records a heartbeat that reached the target; in the session's transaction when one is given.
   */
  void heartbeat(
      MongoClient client,
      ClientSession session,
      String name,
      long seqno,
      long sourceCommitMicros,
      long nowMillis) {
    BsonDocument d =
        new BsonDocument("_id", new BsonString(name))
            .append("seqno", new BsonInt64(seqno))
            .append("sourceCommitMicros", new BsonInt64(sourceCommitMicros))
            .append("applied", new BsonDateTime(nowMillis));
    replace(client, session, HEARTBEAT, d);
  }

  private void replace(MongoClient client, ClientSession session, String name, BsonDocument d) {
    MongoCollection<BsonDocument> c = collection(client, name);
    ReplaceOptions upsert = new ReplaceOptions().upsert(true);
    if (session != null) {
      c.replaceOne(session, Filters.eq("_id", d.get("_id")), d, upsert);
    } else {
      c.withWriteConcern(writeConcern).replaceOne(Filters.eq("_id", d.get("_id")), d, upsert);
    }
  }

  /** Drops the catalog database. */
  void drop(MongoClient client) {
    client.getDatabase(database).drop();
  }

  private static BsonValue text(String s) {
    return s == null ? BsonNull.VALUE : new BsonString(s);
  }
}
