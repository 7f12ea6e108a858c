package io.ferry.mysql.source;

import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether a binlog position a service stored still means the same place on the server that answers
 * at the source's address now. A file name and offset are meaningful only on the server that wrote
 * them: after a failover behind the same address (a VIP, a DNS name, a proxy) or a {@code RESET
 * MASTER}, the same name is another file. On MariaDB every position carries the GTID of the
 * transaction that ends there, and the server says which GTID state a file and offset stand for
 * ({@code BINLOG_GTID_POS}): the position is the same place only if that state ends, in the
 * transaction's domain, with that very GTID. When it does not and the server that wrote the
 * transaction answers (same server_id), its binlog was reset: GTIDs start again after RESET MASTER,
 * so a GTID found there may be another transaction.
 *
 * <p>When it is not, and the server's GTID state contains the transaction (a promoted replica that
 * logged what it replicated), the service resumes there by GTID; otherwise it stops and says which
 * transaction it expected and what the server has.
 */
public final class SourceIdentity {
  private SourceIdentity() {}

  /** What to do with a stored position on the server that answers now. */
  public enum Kind {
    /** The same place: resume by file and offset. */
    SAME,
    /** Another server (or binlog) that has the transaction: resume after it by GTID. */
    MOVED,
    /** Resuming cannot be done safely: stop with the message. */
    STOP
  }

  /**
   * The verdict.
   *
   * @param kind what to do
   * @param gtids for {@link Kind#MOVED}: the GTID position to resume after; for {@link Kind#SAME},
   *     the GTID state the server says the position stands for (null if it was not asked)
   * @param message for {@link Kind#MOVED}, what was found; for {@link Kind#STOP}, the error
   */
  public record Verdict(Kind kind, MariaDbGtidPosition gtids, String message) {
    static final Verdict SAME = new Verdict(Kind.SAME, null, null);
  }

  /**
   * Checks a stored position against the source. Positions without a MariaDB GTID (MySQL, or a
   * position an operator gave) are taken as they are.
   */
  public static Verdict check(SourceSettings s, SourceInfo info, BinlogPosition stored) {
    if (!info.mariaDb() || !(stored.gtid() instanceof MariaDbGtid last)) {
      return Verdict.SAME;
    }
    String here = gtidStateAt(s, stored);
    if (here != null && stateEndsWith(here, last)) {
      return new Verdict(Kind.SAME, MariaDbGtidPosition.parse(here.trim()), null);
    }
    MariaDbGtidPosition now = MariaDbGtidPosition.parse(info.gtidBinlogPos().trim());
    if (info.serverId() == last.serverId()) {
      // The server where the transaction originated answers, but the place is not there. Its
      // binlog may have been reset (GTIDs start again after RESET MASTER, so a GTID found there
      // may be another transaction), or purged, or this is the originating server and Ferry read
      // a replica of it before: Ferry does not guess.
      String resumeAfter = stored.state() != null ? stored.state().text() : last.text();
      return new Verdict(
          Kind.STOP,
          null,
          "binlog "
              + stored.file()
              + " at offset "
              + stored.offset()
              + " should follow transaction "
              + last.text()
              + ", which the server that answers at "
              + s.address()
              + " (server_id "
              + info.serverId()
              + ") originated, but "
              + (!info.binlogs().contains(stored.file())
                  ? "it has no binlog " + stored.file()
                  : here == null
                      ? "that is not a place in its binlog"
                      : "there it follows GTID state " + here)
              + "; its GTID state is now "
              + (now.gtids().isEmpty() ? "empty" : now.text())
              + ". Either RESET MASTER ran on it, or the binlog was purged, or the address now"
              + " leads to the server where the transaction originated while this service read"
              + " one of its replicas. Ferry does not read from a meaningless offset, nor guess."
              + " If this server has the transactions this service read, bring it online with"
              + " -from-event "
              + resumeAfter
              + "; if not, re-provision the targets from this server and start from its current"
              + " GTID position.");
    }
    Optional<MariaDbGtid> domainNow = now.domain(last.domain());
    boolean has = domainNow.isPresent() && domainNow.get().sequence() >= last.sequence();
    String found =
        "binlog "
            + stored.file()
            + " at offset "
            + stored.offset()
            + " should follow transaction "
            + last.text()
            + ", but on the server that answers at "
            + s.address()
            + " (server_id "
            + info.serverId()
            + ") "
            + (here == null
                ? "that is not a place in its binlog"
                : "it follows GTID state " + here + " instead");
    if (!has) {
      return new Verdict(
          Kind.STOP,
          null,
          found
              + ", and its GTID state ("
              + (now.gtids().isEmpty() ? "empty" : now.text())
              + ") does not contain "
              + last.text()
              + ". RESET MASTER ran on it, or the address leads to another server that does not"
              + " have this service's last transactions (a failover that lost them). Ferry does not"
              + " read from a meaningless offset. Point source.host and source.port at the server"
              + " that has "
              + last.text()
              + "; or, if the targets must follow this server from now on, re-provision them and"
              + " bring the service online with -from-event and this server's GTID position.");
    }
    if (stored.state() == null && now.gtids().size() > 1) {
      return new Verdict(
          Kind.STOP,
          null,
          found
              + ". The server has that transaction, but it logs several GTID domains ("
              + now.text()
              + ") and the stored position carries only the GTID of its last transaction (it was"
              + " read when the source had one domain, or by an older Ferry), which fixes the"
              + " position in domain "
              + last.domain()
              + " alone. Bring the service online with -from-event and the GTID position the"
              + " targets hold (for a MariaDB target, its gtid_slave_pos after this service), in"
              + " which domain "
              + last.domain()
              + " is "
              + last.text()
              + ".");
    }
    // The position's whole GTID state when the source had several domains, else its one GTID
    // (then the state had that one domain only).
    MariaDbGtidPosition resume =
        stored.state() != null ? stored.state() : new MariaDbGtidPosition(java.util.List.of(last));
    for (MariaDbGtid g : resume.gtids()) {
      Optional<MariaDbGtid> there = now.domain(g.domain());
      if (there.isEmpty() || there.get().sequence() < g.sequence()) {
        return new Verdict(
            Kind.STOP,
            null,
            found
                + "; it has "
                + last.text()
                + ", but not "
                + g.text()
                + " of the GTID state this service had read ("
                + resume.text()
                + "; the server's is "
                + now.text()
                + "): a failover that lost transactions of domain "
                + g.domain()
                + ". Point source.host and source.port at the server that has them.");
      }
    }
    return new Verdict(
        Kind.MOVED,
        resume,
        found
            + "; the server has that transaction, so the service resumes after GTID state "
            + resume.text());
  }

  /**
   * The GTID state a file and offset stand for on a MariaDB server, or null if they are no place in
   * its binlog.
   */
  public static MariaDbGtidPosition stateAt(SourceSettings s, BinlogPosition p) {
    String text = gtidStateAt(s, p);
    try {
      return text == null ? null : MariaDbGtidPosition.parse(text.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String gtidStateAt(SourceSettings s, BinlogPosition p) {
    try (Connection c = SourceProbe.connect(s);
        PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
      ps.setString(1, p.file());
      ps.setLong(2, p.offset());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new SourceException(
          "cannot check binlog position "
              + p.text()
              + " on the source at "
              + s.address()
              + " (BINLOG_GTID_POS): "
              + e.getMessage(),
          true,
          e);
    }
  }

  private static boolean stateEndsWith(String state, MariaDbGtid last) {
    try {
      return MariaDbGtidPosition.parse(state.trim())
          .domain(last.domain())
          .map(last::equals)
          .orElse(false);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
