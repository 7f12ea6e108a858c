package io.ferry.mysql.provision;

import io.ferry.core.event.Change;
import io.ferry.core.event.RowChanges;
import io.ferry.core.event.SqlStatement;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.NativePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in filter of a provisioned service: each provisioned table was copied from a snapshot
 * of the source at a binlog position of its own (its floor), so a change to it in a transaction
 * that ends at or before that position is already in the copy and is passed over; later ones apply.
 * Statements are judged by the tables they name: passed over when every provisioned table they name
 * is past them, kept when none is, and refused (the service stops, naming it) when they name tables
 * on both sides. A transaction that ends at or before the lowest floor is passed over whole (a
 * slave starts at a seqno of its master's log, which may come before it; a restored backup has one
 * floor for all). The floors are kept in a file of the service's directory ({@link #FILE}), one
 * {@code schema.table FILE:OFFSET} per line; the service drops it once it has applied past the
 * highest floor. Not thread-safe: one stage.
 */
public final class ProvisionFloors implements Filter {
  /** The file's name in the service's directory. */
  public static final String FILE = "provision-floors";

  private final Map<String, BinlogPosition> floors;
  private final BinlogPosition highest;
  private final BinlogPosition lowest;
  private boolean past; // a transaction beyond every floor went by: nothing more to judge

  public ProvisionFloors(Map<String, BinlogPosition> floors) {
    this.floors = new TreeMap<>();
    floors.forEach((k, v) -> this.floors.put(k.toLowerCase(Locale.ROOT), v));
    BinlogPosition h = null;
    BinlogPosition l = null;
    for (BinlogPosition p : floors.values()) {
      h = h == null || compare(p, h) > 0 ? p : h;
      l = l == null || compare(p, l) < 0 ? p : l;
    }
    this.highest = h;
    this.lowest = l;
  }

  @Override
  public String name() {
    return "provision-floors";
  }

  /** The highest floor: a transaction that ends after it is past every table's copy. */
  public BinlogPosition highest() {
    return highest;
  }

  /** The lowest floor: where replication starts after provisioning. */
  public BinlogPosition lowest() {
    return lowest;
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (past
        || highest == null
        || tx.changes().isEmpty()
        || !(tx.header().nativePosition() instanceof BinlogPosition end)) {
      return tx;
    }
    if (!base(end.file()).equals(base(highest.file()))) {
      throw new IllegalStateException(
          "seqno "
              + tx.seqno()
              + " comes from binlog "
              + end.file()
              + ", and this service was provisioned from "
              + highest.file()
              + "'s server: the source changed before the service applied past its"
              + " provisioning snapshots, so they cannot be told apart from what it reads now."
              + " Provision again (ferry provision --restart)");
    }
    if (compare(end, highest) > 0) {
      past = true; // (after a failover, positions of another server must never be compared)
      return tx;
    }
    if (compare(end, lowest) <= 0) {
      // before every snapshot (a slave may start a little early): whatever it did is in the copy,
      // or was left out of it on purpose
      return null;
    }
    List<Change> kept = new ArrayList<>(tx.changes().size());
    boolean changed = false;
    for (Change c : tx.changes()) {
      Change e = edit(c, end, tx.seqno());
      changed |= e != c;
      if (e != null) {
        kept.add(e);
      }
    }
    if (!changed) {
      return tx;
    }
    return kept.isEmpty() ? null : tx.withChanges(kept);
  }

  private Change edit(Change c, BinlogPosition end, long seqno) {
    if (c instanceof RowChanges rc) {
      return copied(rc.schema(), rc.table(), end) ? null : rc;
    }
    if (c instanceof SqlStatement s) {
      java.util.Set<io.ferry.mysql.sql.DmlTables.Table> tables =
          io.ferry.mysql.sql.DmlTables.tablesOf(s.defaultSchema(), s.text());
      int before = 0;
      int after = 0;
      for (io.ferry.mysql.sql.DmlTables.Table t :
          tables == null ? java.util.Set.<io.ferry.mysql.sql.DmlTables.Table>of() : tables) {
        BinlogPosition f = floors.get(key(t.schema(), t.table()));
        if (f != null) {
          if (compare(end, f) <= 0) {
            before++;
          } else {
            after++;
          }
        }
      }
      if (before > 0 && after > 0) {
        throw new IllegalStateException(
            "seqno "
                + seqno
                + " at "
                + end.text()
                + " is a statement on provisioned tables copied before it and after it ("
                + s.text()
                + "): it cannot be applied to some and not to others. Provision those tables"
                + " again (ferry provision --restart)");
      }
      return before > 0 ? null : s;
    }
    return c;
  }

  private boolean copied(String schema, String table, BinlogPosition end) {
    BinlogPosition f = floors.get(key(schema, table));
    return f != null && compare(end, f) <= 0;
  }

  private static String key(String schema, String table) {
    return (schema + "." + table).toLowerCase(Locale.ROOT);
  }

  /** Binlog positions of one server, by file number and offset. */
  public static int compare(BinlogPosition a, BinlogPosition b) {
    int byFile = Long.compare(number(a.file()), number(b.file()));
    if (byFile != 0) {
      return byFile;
    }
    int byName = a.file().compareTo(b.file());
    return byName != 0 ? byName : Long.compare(a.offset(), b.offset());
  }

  private static String base(String file) {
    int dot = file.lastIndexOf('.');
    return dot < 0 ? file : file.substring(0, dot);
  }

  private static long number(String file) {
    int dot = file.lastIndexOf('.');
    try {
      return Long.parseLong(file.substring(dot + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The floors in a service's directory, or null when it has none. */
  public static ProvisionFloors read(Path serviceDir) {
    Path f = serviceDir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    Map<String, BinlogPosition> m = new TreeMap<>();
    try {
      int n = 0;
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        n++;
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#")) {
          continue;
        }
        int space = l.lastIndexOf(' ');
        if (space < 0) {
          throw new IllegalArgumentException("line " + n + " is not 'schema.table FILE:OFFSET'");
        }
        m.put(l.substring(0, space).strip(), BinlogPosition.parse(l.substring(space + 1)));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot read the provisioning floors in "
              + f
              + " ("
              + e.getMessage()
              + "); provision again, or delete the file if the service has applied past them",
          e);
    }
    return new ProvisionFloors(m);
  }

  /** Writes the floors to a service's directory (atomically). */
  public static void write(Path serviceDir, Map<String, BinlogPosition> floors) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# written by ferry provision: each table's snapshot position");
    floors.forEach((t, p) -> lines.add(t + " " + p.file() + ":" + p.offset()));
    Path tmp = serviceDir.resolve(FILE + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        serviceDir.resolve(FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Whether a position is past every floor (the file can go). */
  public boolean passed(NativePosition p) {
    return p instanceof BinlogPosition b && highest != null && compare(b, highest) > 0;
  }
}
