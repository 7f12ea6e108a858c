package io.ferry.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.PipelineFailure;
import io.ferry.core.position.BinlogPosition;
import io.ferry.sandbox.SandboxServer;
import io.ferry.testkit.SandboxExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DDL and non-transactional changes cannot commit with the catalog position. The states a crash can
 * leave are built here exactly (the change done on the target, the position still before it) and
 * the service restarted: with the transaction marked in doubt it is applied again passing over what
 * was done; without the mark, the same state is the error it would be.
 */
class ApplyInDoubtTest {
  @RegisterExtension static final SandboxExtension DB = SandboxExtension.mariadb(2);

  @Test
  void aCrashAfterDdlOrNonTransactionalChangesIsRepairedByReapplyingInDoubt() throws Exception {
    SandboxServer source = DB.server(1);
    SandboxServer target = DB.server(2);
    BinlogPosition start = Extraction.head(source);
    // The direct service numbers transactions from 0 at the start position, as read here.
    Extraction.sql(source, "CREATE DATABASE idb", "CREATE TABLE idb.t (id INT PRIMARY KEY)");
    applyUpTo(source, target, start, 1);
    Transaction createDatabase = read(source, start, 0);

    // A crash right after CREATE TABLE idb.t ran: the position is still at CREATE DATABASE.
    setPosition(target, 0, createDatabase, -1);
    PipelineFailure unmarked = runUntilFailure(source, target, start);
    assertThat(unmarked.seqno()).isEqualTo(1);
    assertThat(unmarked.message()).contains("already exists").contains("[error 1050");

    setPosition(target, 0, createDatabase, 1);
    Extraction.sql(source, "INSERT INTO idb.t VALUES (1)");
    applyUpTo(source, target, start, 2);
    assertThat(inDoubt(target)).isNull();

    // A crash right after the MyISAM insert ran: the rows are there, the position before them.
    Extraction.sql(
        source,
        "CREATE TABLE idb.m (id INT PRIMARY KEY, v INT) ENGINE=MyISAM",
        "INSERT INTO idb.m VALUES (1, 1), (2, 2)");
    applyUpTo(source, target, start, 4);
    List<Transaction> txs =
        Extraction.until(
            source,
            start,
            t -> t.changes().stream().anyMatch(c -> c.toString().contains("CREATE TABLE idb.m")));
    int createM = txs.size() - 1;
    assertThat(createM).isEqualTo(3);
    setPosition(target, createM, txs.get(createM), createM + 1);
    Extraction.sql(source, "INSERT INTO idb.t VALUES (2)");
    applyUpTo(source, target, start, 5);
    Compare.schema(source, target, "idb");
    assertThat(Compare.rows(target, "idb", "m")).containsExactly("1|1", "2|2");
    assertThat(Compare.rows(target, "idb", "t")).containsExactly("1", "2");
  }

  private static void applyUpTo(
      SandboxServer source, SandboxServer target, BinlogPosition start, long seqno)
      throws Exception {
    try (DirectService direct = DirectService.start(source, target, "doubt", start)) {
      direct.awaitSeqno(seqno, Duration.ofSeconds(60));
    }
  }

  /** The transaction at a given index from the start position. */
  private static Transaction read(SandboxServer source, BinlogPosition start, int index)
      throws Exception {
    int[] seen = {0};
    List<Transaction> txs = Extraction.until(source, start, t -> seen[0]++ == index);
    return txs.get(index);
  }

  private static PipelineFailure runUntilFailure(
      SandboxServer source, SandboxServer target, BinlogPosition start) throws Exception {
    try (DirectService direct = DirectService.start(source, target, "doubt", start)) {
      return direct.awaitFailure();
    }
  }

  private static void setPosition(SandboxServer target, long seqno, Transaction after, long inDoubt)
      throws Exception {
    try (Connection c = target.connect(target.root(), "");
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE ferry_doubt.position SET seqno = ?, epoch = ?, fragno = 0, last_frag = 1,"
                    + " native_kind = ?, native_position = ?, in_doubt_seqno = ?")) {
      ps.setLong(1, seqno);
      ps.setLong(2, 0);
      ps.setString(3, after.header().nativePosition().kind());
      ps.setString(4, after.header().nativePosition().text());
      if (inDoubt < 0) {
        ps.setNull(5, java.sql.Types.BIGINT);
      } else {
        ps.setLong(5, inDoubt);
      }
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static Long inDoubt(SandboxServer target) throws Exception {
    try (Connection c = target.connect(target.root(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT in_doubt_seqno FROM ferry_doubt.position")) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? null : v;
    }
  }
}
