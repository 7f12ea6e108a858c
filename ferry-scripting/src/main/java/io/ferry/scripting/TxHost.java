package io.ferry.scripting;

import io.ferry.core.event.Change;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * A transaction fragment as a script object: read-only header fields, {@code changes}, and the
 * methods {@code drop()}, {@code setShard(s)}, {@code addStatement(sql, schema)}. {@link #result()}
 * is the very transaction it was made from when the script changed nothing, a rebuilt copy when it
 * changed something, and null when it dropped it. Used by one thread, for one call.
 */
final class TxHost extends HostObject {
  private static final List<String> KEYS =
      List.of(
          "seqno",
          "epoch",
          "fragno",
          "lastFrag",
          "origin",
          "sourceId",
          "sourceTime",
          "shard",
          "position",
          "options",
          "changes");

  private final Transaction tx;
  private final ChangeHost[] changes;
  private boolean dropped;
  private String shard;
  private final List<SqlStatement> added = new ArrayList<>();
  private HostList changeList;
  private HostObject options;
  private HostFunction drop;
  private HostFunction setShard;
  private HostFunction addStatement;

  TxHost(Transaction tx) {
    this.tx = tx;
    this.changes = new ChangeHost[tx.changes().size()];
  }

  @Override
  Object get(String key) {
    TransactionHeader h = tx.header();
    return switch (key) {
      case "seqno" -> ScriptValues.integer(h.seqno());
      case "epoch" -> ScriptValues.integer(h.epoch());
      case "fragno" -> h.fragno();
      case "lastFrag" -> h.lastFrag();
      case "origin" -> h.originService();
      case "sourceId" -> h.sourceId();
      case "sourceTime" -> ScriptValues.integer(h.sourceCommitMicros() / 1000);
      case "shard" -> shard != null ? shard : h.shard();
      case "position" -> h.nativePosition() == null ? null : h.nativePosition().text();
      case "options" -> options();
      case "changes" -> changes();
      case "drop" -> drop();
      case "setShard" -> setShard();
      case "addStatement" -> addStatement();
      default -> null;
    };
  }

  private HostObject options() {
    if (options == null) {
      options = new StringMapHost(tx.header().options(), "tx.options");
    }
    return options;
  }

  private HostList changes() {
    if (changeList == null) {
      changeList =
          new HostList() {
            @Override
            int size() {
              return changes.length;
            }

            @Override
            Object get(int i) {
              ChangeHost c = changes[i];
              if (c == null) {
                c = ChangeHost.of(tx.changes().get(i));
                changes[i] = c;
              }
              return c;
            }
          };
    }
    return changeList;
  }

  private HostFunction drop() {
    if (drop == null) {
      drop =
          args -> {
            Args.none(args, "tx.drop()");
            dropped = true;
            return null;
          };
    }
    return drop;
  }

  private HostFunction setShard() {
    if (setShard == null) {
      setShard =
          args -> {
            String s = Args.string(args, 0, "tx.setShard(shard)", "shard");
            if (tx.lastFrag()) {
              shard = s; // fragments before the last stay #global until the transaction ends
            }
            return null;
          };
    }
    return setShard;
  }

  private HostFunction addStatement() {
    if (addStatement == null) {
      addStatement =
          args -> {
            String m = "tx.addStatement(sql, schema)";
            added.add(
                SqlStatement.of(
                    Args.string(args, 0, m, "sql"),
                    Args.optionalString(args, 1, m, "schema"),
                    List.of()));
            return null;
          };
    }
    return addStatement;
  }

  @Override
  List<String> keys() {
    return KEYS;
  }

  @Override
  String what() {
    return "the transaction";
  }

  /** What the filter passes on (see the class comment). */
  Transaction result() {
    if (dropped) {
      return null;
    }
    boolean changed = !added.isEmpty() || (shard != null && !shard.equals(tx.header().shard()));
    for (ChangeHost c : changes) {
      changed |= c != null && c.changed();
    }
    if (!changed) {
      return tx;
    }
    List<Change> out = new ArrayList<>(changes.length + added.size());
    for (int i = 0; i < changes.length; i++) {
      Change c = changes[i] == null ? tx.changes().get(i) : changes[i].build();
      if (c != null) {
        out.add(c);
      }
    }
    out.addAll(added);
    TransactionHeader h = shard == null ? tx.header() : tx.header().withShard(shard);
    if (!added.isEmpty()) {
      // a script's statement may be DDL or another implicit commit, and scripts have no
      // classifier: the transaction is applied in a block of its own (and marked in doubt while
      // it is), so that no earlier transaction is ever committed by it without its position
      h = h.withOption(io.ferry.core.event.TransactionOptions.COMMIT_REQUIRED, "true");
    }
    return new Transaction(h, out);
  }
}
