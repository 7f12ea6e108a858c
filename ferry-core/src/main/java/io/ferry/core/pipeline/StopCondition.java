package io.ferry.core.pipeline;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.position.NativePosition;
import java.time.Instant;

/**
 * When a stage stops by itself, at a transaction boundary: before a transaction that must not be
 * applied yet, or after the one that must be the last. Used for "online until …" and deferred
 * offline requests. Immutable.
 */
public interface StopCondition {
  /** Whether to stop before this event (its seqno assigned) is applied. */
  default boolean stopBefore(ReplEvent event) {
    return false;
  }

  /** Whether to stop after this event, which ends a transaction, is applied. */
  default boolean stopAfter(ReplEvent event) {
    return false;
  }

  /** Whether the stage has reached it already, having committed {@code c}. */
  default boolean metAt(Checkpoint c) {
    return false;
  }

  /** For status: "after seqno 42" and the like. */
  String describe();

  /** After seqno {@code n} is applied (or as soon as a later seqno would be). */
  static StopCondition afterSeqno(long n) {
    return new StopCondition() {
      @Override
      public boolean stopBefore(ReplEvent e) {
        return e.seqno() > n;
      }

      @Override
      public boolean stopAfter(ReplEvent e) {
        return e.lastSeqno() >= n;
      }

      @Override
      public boolean metAt(Checkpoint c) {
        return !c.isNone() && c.lastFrag() && c.seqno() >= n;
      }

      @Override
      public String describe() {
        return "after seqno " + n;
      }
    };
  }

  /** After the transaction at (or first past) a source position is applied. */
  static StopCondition atEvent(NativePosition position) {
    return new StopCondition() {
      private boolean reached(NativePosition p) {
        return p != null && p.compare(position).map(c -> c >= 0).orElse(false);
      }

      @Override
      public boolean stopAfter(ReplEvent e) {
        return reached(e.checkpoint().nativePosition());
      }

      @Override
      public boolean metAt(Checkpoint c) {
        return c.lastFrag() && reached(c.nativePosition());
      }

      @Override
      public String describe() {
        return "at event " + position.kind() + " " + position.text();
      }
    };
  }

  /** After the heartbeat of this name is applied. */
  static StopCondition afterHeartbeat(String name) {
    return new StopCondition() {
      @Override
      public boolean stopAfter(ReplEvent e) {
        return e instanceof Transaction t && name.equals(t.heartbeat());
      }

      @Override
      public String describe() {
        return "after heartbeat " + name;
      }
    };
  }

  /**
   * Before the first transaction the source committed after {@code time}: everything committed up
   * to it is applied. (A stage that receives nothing later stays online.)
   */
  static StopCondition beforeTime(Instant time) {
    long micros = time.getEpochSecond() * 1_000_000 + time.getNano() / 1000;
    return new StopCondition() {
      @Override
      public boolean stopBefore(ReplEvent e) {
        long commit = e.checkpoint().sourceCommitMicros();
        return commit > 0 && commit > micros;
      }

      @Override
      public String describe() {
        return "before the first transaction committed after " + time;
      }
    };
  }
}
