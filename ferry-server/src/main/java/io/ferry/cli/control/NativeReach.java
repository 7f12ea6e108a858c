package io.ferry.cli.control;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtid;
import io.ferry.core.position.NativePosition;
import io.ferry.core.position.PgLsn;

/**
 * Whether what a service has applied includes a source transaction named by its native position: a
 * binlog coordinate after its commit ({@code SHOW MASTER STATUS} once it committed), a MariaDB GTID
 * or GTID position ({@code @@last_gtid}, {@code @@gtid_binlog_pos}), a MySQL GTID, a PostgreSQL
 * LSN. The applied position is the binlog coordinate after the last applied transaction, with its
 * GTID and, where the source has several GTID domains, the GTID of each. Stateless.
 */
final class NativeReach {
  /** The answer for one reading of the applied position. */
  enum Answer {
    REACHED,
    NOT_YET,
    /** The two positions cannot be ordered: waiting would not help (the reason says why). */
    CANNOT_TELL
  }

  /** An answer and, for {@link Answer#CANNOT_TELL}, why. */
  record Result(Answer answer, String why) {
    static final Result REACHED = new Result(Answer.REACHED, null);
    static final Result NOT_YET = new Result(Answer.NOT_YET, null);

    static Result cannotTell(String why) {
      return new Result(Answer.CANNOT_TELL, why);
    }
  }

  private NativeReach() {}

  /**
   * Reads what a user names: {@code file:offset}, {@code domain-server-seq[,…]}, {@code uuid:n}, an
   * LSN, or {@code kind:text}; refuses what cannot be waited for (a MySQL GTID set).
   */
  static NativePosition parseWanted(String text) {
    NativePosition p = NativePosition.parseAny(text);
    if (p instanceof io.ferry.core.position.MySqlGtidSet) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is a MySQL GTID set: give the one GTID of the transaction (uuid:n) or the"
              + " binlog coordinate after it (file:offset)");
    }
    if (p instanceof io.ferry.core.position.OpaquePosition) {
      throw new IllegalArgumentException(
          "cannot read '"
              + text
              + "' as a source position: expected file:offset, domain-server-seq[,...], uuid:n or"
              + " an LSN");
    }
    return p;
  }

  /** Reads the status' {@code appliedLastEventId} ("kind text"), or null for none. */
  static NativePosition parseApplied(String kindAndText) {
    if (kindAndText == null || kindAndText.isBlank() || kindAndText.equals("null")) {
      return null;
    }
    int space = kindAndText.indexOf(' ');
    if (space < 0) {
      throw new IllegalArgumentException("unexpected applied position '" + kindAndText + "'");
    }
    return NativePosition.parse(kindAndText.substring(0, space), kindAndText.substring(space + 1));
  }

  static Result of(NativePosition applied, NativePosition wanted) {
    if (applied == null) {
      return Result.NOT_YET;
    }
    if (wanted instanceof MariaDbGtidPosition all) {
      Result worst = Result.REACHED;
      for (MariaDbGtid g : all.gtids()) {
        Result r = of(applied, g);
        if (r.answer() == Answer.CANNOT_TELL) {
          return r;
        }
        if (r.answer() == Answer.NOT_YET) {
          worst = r;
        }
      }
      return worst;
    }
    if (wanted instanceof MariaDbGtid g) {
      return mariaDb(applied, g);
    }
    if (wanted instanceof MySqlGtid g) {
      NativePosition last = applied instanceof BinlogPosition b ? b.gtid() : applied;
      if (!(last instanceof MySqlGtid)) {
        return Result.cannotTell(
            "the service's source position has no MySQL GTID (" + applied.text() + ")");
      }
      // MySQL GTIDs are ordered only among one server's: the last applied transaction's says
      // nothing of another server's
      return ordered(
          last,
          g,
          "its last transaction has another server's GTID; a MySQL GTID is compared with the"
              + " same server's only ("
              + last.text());
    }
    if (wanted instanceof BinlogPosition || wanted instanceof PgLsn) {
      return ordered(
          applied,
          wanted,
          "the service reads another "
              + (wanted instanceof PgLsn ? "server" : "binlog")
              + " (applied: "
              + applied.text());
    }
    return Result.cannotTell("cannot compare " + wanted.kind() + " positions");
  }

  private static Result ordered(NativePosition applied, NativePosition wanted, String otherwise) {
    return applied
        .compare(wanted)
        .map(c -> c >= 0 ? Result.REACHED : Result.NOT_YET)
        .orElseGet(() -> Result.cannotTell(otherwise + ")"));
  }

  /** A MariaDB GTID: reached when the applied state has its domain at its sequence or beyond. */
  private static Result mariaDb(NativePosition applied, MariaDbGtid wanted) {
    MariaDbGtidPosition state = null;
    MariaDbGtid last = null;
    if (applied instanceof BinlogPosition b) {
      state = b.state();
      last = b.gtid() instanceof MariaDbGtid g ? g : null;
    } else if (applied instanceof MariaDbGtidPosition p) {
      state = p;
    } else if (applied instanceof MariaDbGtid g) {
      last = g;
    }
    if (state == null && last == null) {
      return Result.cannotTell(
          "the service's source position has no MariaDB GTID (" + applied.text() + ")");
    }
    MariaDbGtid inDomain =
        state != null
            ? state.domain(wanted.domain()).orElse(null)
            : last.domain() == wanted.domain() ? last : null;
    // a domain the source has not logged in yet, as far as the service has read
    return inDomain != null && inDomain.sequence() >= wanted.sequence()
        ? Result.REACHED
        : Result.NOT_YET;
  }
}
