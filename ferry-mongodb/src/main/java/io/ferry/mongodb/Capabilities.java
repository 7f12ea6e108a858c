package io.ferry.mongodb;

import io.ferry.core.target.TargetException;
import org.bson.BsonDocument;

/**
 * What the server can do, from its {@code hello} answer: whether a block and its position can
 * commit in one multi-document transaction. Replica sets have them from wire version 7 (MongoDB
 * 4.0), sharded clusters from wire version 8 (4.2); a standalone server never. Immutable.
 *
 * @param kind standalone, replica-set or sharded
 * @param maxWireVersion the server's highest wire version
 * @param transactional whether the applier commits a block and its position in one transaction
 */
public record Capabilities(String kind, int maxWireVersion, boolean transactional) {

  /**
   * Decides from a {@code hello} (or {@code isMaster}) answer and target.mongodb.transactions.
   *
   * @param mode auto, on or off
   * @param where the server, for the message when {@code on} cannot be honoured
   */
  public static Capabilities decide(BsonDocument hello, String mode, String where) {
    int wire =
        hello.containsKey("maxWireVersion") && hello.get("maxWireVersion").isNumber()
            ? hello.get("maxWireVersion").asNumber().intValue()
            : 0;
    String kind;
    boolean supports;
    if (hello.containsKey("msg") && "isdbgrid".equals(stringOr(hello, "msg"))) {
      kind = "sharded";
      supports = wire >= 8;
    } else if (hello.containsKey("setName")) {
      kind = "replica-set";
      supports = wire >= 7;
    } else {
      kind = "standalone";
      supports = false;
    }
    boolean transactional =
        switch (mode) {
          case "off" -> false;
          case "on" -> {
            if (!supports) {
              throw new TargetException(
                  "target.mongodb.transactions = on, but "
                      + where
                      + " is a "
                      + kind
                      + " server with wire version "
                      + wire
                      + ", which has no multi-document transactions (they need a replica set of"
                      + " MongoDB 4.0 or later, or a sharded cluster of 4.2 or later): use auto or"
                      + " off (writes first, then the position; replay after a crash is"
                      + " idempotent)");
            }
            yield true;
          }
          default -> supports;
        };
    return new Capabilities(kind, wire, transactional);
  }

  private static String stringOr(BsonDocument d, String key) {
    return d.get(key).isString() ? d.getString(key).getValue() : "";
  }
}
