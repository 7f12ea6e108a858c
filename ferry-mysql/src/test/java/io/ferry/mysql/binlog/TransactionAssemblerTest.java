package io.ferry.mysql.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.shyiko.mysql.binlog.event.ByteArrayEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MySqlGtid;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.position.BinlogPosition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transaction boundaries from statements, as a MySQL source logs them (GTID events, no standalone
 * flag): the statement classifier decides where a transaction ends, savepoints stay inside theirs,
 * and nothing is dropped silently.
 */
class TransactionAssemblerTest {
  private static final UUID SERVER = UUID.fromString("3e11fa47-71ca-11e1-9e33-c80aa9429562");

  private TransactionAssembler assembler;
  private long position = 4;
  private long gtid;
  private final List<Transaction> out = new ArrayList<>();

  @BeforeEach
  void start() {
    start(1 << 20);
  }

  private void start(long fragmentBytes) {
    assembler =
        new TransactionAssembler(
            new TableResolver(id -> "utf8mb4", null),
            id -> new String[] {"utf8mb4_general_ci", "utf8mb4"},
            fragmentBytes,
            Clock.systemUTC(),
            null);
    assembler.startAt(new BinlogPosition("binlog.000001", 4));
  }

  private void accept(EventType type, EventData data) {
    EventHeaderV4 h = new EventHeaderV4();
    h.setEventType(type);
    h.setServerId(7);
    h.setTimestamp(1_700_000_000_000L);
    position += 100;
    h.setNextPosition(position);
    Transaction t = assembler.accept(new Event(h, data));
    if (t != null) {
      out.add(t);
    }
  }

  private void gtid() {
    accept(
        EventType.GTID,
        new GtidEventData(new MySqlGtid(SERVER, ++gtid), (byte) 0, 0, 0, 0, 0, 0, 0, 0));
  }

  private void query(String schema, String sql) {
    ByteArrayEventData d = new ByteArrayEventData();
    d.setData(queryBody(schema, sql));
    accept(EventType.QUERY, d);
  }

  private void xid() {
    XidEventData x = new XidEventData();
    x.setXid(1);
    accept(EventType.XID, x);
  }

  /** A QUERY event body: thread id, time, schema length, error code, no status variables. */
  private static byte[] queryBody(String schema, String sql) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] s = schema == null ? new byte[0] : schema.getBytes(StandardCharsets.UTF_8);
    b.writeBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, (byte) s.length, 0, 0, 0, 0});
    b.writeBytes(s);
    b.write(0);
    b.writeBytes(sql.getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  private static String text(Transaction t, int i) {
    return ((SqlStatement) t.changes().get(i)).text();
  }

  @Test
  void aStatementThatCommitsImplicitlyIsATransactionOfItsOwnOnMySql() {
    gtid();
    query("app", "ANALYZE TABLE t");
    gtid();
    query("app", "FLUSH PRIVILEGES");
    gtid();
    query("app", "BEGIN");
    query("app", "INSERT INTO t VALUES (1)");
    xid();
    assertThat(out).hasSize(3);
    assertThat(text(out.get(0), 0)).isEqualTo("ANALYZE TABLE t");
    assertThat(out.get(0).commitRequired()).isTrue();
    assertThat(text(out.get(1), 0)).isEqualTo("FLUSH PRIVILEGES");
    assertThat(out.get(1).commitRequired()).isTrue();
    assertThat(text(out.get(2), 0)).startsWith("INSERT");
    assertThat(out.get(2).commitRequired()).isFalse();
  }

  @Test
  void aStatementWithoutBeginIsATransactionOfItsOwnOnMySql() {
    gtid();
    query("app", "CREATE TEMPORARY TABLE tmp (id INT)");
    gtid();
    query("app", "INSERT INTO t VALUES (1)");
    gtid();
    query("app", "BEGIN");
    query("app", "INSERT INTO tmp VALUES (1)");
    query("app", "INSERT INTO t SELECT * FROM tmp");
    xid();
    assertThat(out).hasSize(3);
    assertThat(out.get(0).changes()).hasSize(1);
    assertThat(out.get(1).changes()).hasSize(1);
    assertThat(out.get(2).changes()).hasSize(2);
  }

  @Test
  void savepointsStayInsideTheirTransactionAndNameNoSchema() {
    gtid();
    query("app", "BEGIN");
    query("app", "INSERT INTO t VALUES (1)");
    query(null, "SAVEPOINT s1");
    query("app", "INSERT INTO t VALUES (2)");
    query(null, "ROLLBACK TO SAVEPOINT s1");
    query(null, "RELEASE SAVEPOINT s1");
    query("app", "INSERT INTO t VALUES (3)");
    xid();
    assertThat(out).hasSize(1);
    Transaction t = out.get(0);
    assertThat(t.changes()).hasSize(6);
    assertThat(t.header().shard()).isEqualTo("app");
    assertThat(t.commitRequired()).isFalse();
    assertThat(t.header().option(TransactionOptions.ROLLBACK)).isNull();
  }

  @Test
  void aGroupThatEndsInRollbackSaysSo() {
    gtid();
    query("app", "BEGIN");
    query("app", "INSERT INTO m VALUES (1)");
    query("app", "ROLLBACK");
    assertThat(out).hasSize(1);
    assertThat(out.get(0).header().option(TransactionOptions.ROLLBACK)).isEqualTo("true");
    assertThat(out.get(0).commitRequired()).isTrue();
  }

  @Test
  void anUnknownStatementIsTheSafeKind() {
    gtid();
    query("app", "BEGIN");
    query("app", "HELP 'contents'");
    query("app", "COMMIT");
    assertThat(out).hasSize(1);
    assertThat(out.get(0).commitRequired()).isTrue();
    assertThat(out.get(0).header().shard()).isEqualTo("#global");
  }

  @Test
  void fragmentsBeforeTheLastCarryTheSafeShardAndOptions() {
    start(256);
    gtid();
    query("app", "BEGIN");
    for (int i = 0; i < 4; i++) {
      query("app", "INSERT INTO t VALUES ('" + "x".repeat(300) + "')");
    }
    xid();
    assertThat(out).hasSizeGreaterThan(2);
    for (Transaction f : out.subList(0, out.size() - 1)) {
      assertThat(f.lastFrag()).isFalse();
      assertThat(f.header().shard()).isEqualTo("#global");
      assertThat(f.commitRequired()).isTrue();
    }
    Transaction last = out.get(out.size() - 1);
    assertThat(last.lastFrag()).isTrue();
    assertThat(last.header().shard()).isEqualTo("app");
  }

  @Test
  void aTransactionThatNeverEndedIsAnErrorNotALoss() {
    gtid();
    query("app", "BEGIN");
    query("app", "INSERT INTO t VALUES (1)");
    assertThatThrownBy(this::gtid)
        .isInstanceOf(BinlogFormatException.class)
        .hasMessageContaining("would be lost");
  }
}
