package io.ferry.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Extractor;
import io.ferry.core.position.BinlogPosition;
import io.ferry.mysql.binlog.TransactionAssembler;
import io.ferry.mysql.source.BinlogFiles;
import io.ferry.mysql.source.GtidCover;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceInfo;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * An extractor that reads a server's binlog files from a directory instead of the server (a dead
 * master's disk): the same decoding and the same transactions as {@link BinlogExtractor}, from a
 * position or after a GTID position to the end of the last file, where it has nothing more ({@link
 * #atEnd}). Table maps must carry column names ({@code binlog_row_metadata=FULL}). What only a live
 * server can say (its collations, whether it is MariaDB, old temporal columns' precision) comes
 * from {@code schemaServer}, a server of the same family with the same tables (the promoted replica
 * the transactions are rescued to). One stage thread.
 */
public final class BinlogFileExtractor implements Extractor {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(BinlogFileExtractor.class);
  private final Path dir;
  private final SourceSettings schemaServer;
  private final StartPosition start;
  private final long fragmentBytes;
  private final Clock clock;
  private BinlogFiles files;
  private TransactionAssembler assembler;
  private GtidCover cover = new GtidCover(null);
  private String file;
  private long skipThrough;
  private volatile boolean ended;
  private volatile String endedInside;
  private boolean checkFirstFile;
  private volatile BinlogPosition lastRead;
  private final java.util.Set<BinlogPosition> read =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param start where to begin when nothing was extracted yet: the first file, a file:offset, or
   *     after a GTID position (the files are read from their first and what it covers passed over)
   */
  public BinlogFileExtractor(
      Path dir, SourceSettings schemaServer, StartPosition start, long fragmentBytes, Clock clock) {
    this.dir = dir;
    this.schemaServer = schemaServer;
    this.start = start;
    this.fragmentBytes = fragmentBytes;
    this.clock = clock;
  }

  @Override
  public boolean isSource() {
    return true;
  }

  /** Where the last transaction handed out ends, or null. */
  public BinlogPosition lastRead() {
    return lastRead;
  }

  /** How many distinct transactions were handed out (a re-read after a retry counts once). */
  public int transactionsRead() {
    return read.size();
  }

  /**
   * Why the files ended inside a transaction (the server died before it committed it, or its last
   * event was cut short), or null: that transaction is not handed out.
   */
  public String endedInside() {
    return endedInside;
  }

  /** Whether the last file has been read to its end. */
  public boolean atEnd() {
    return ended;
  }

  @Override
  public void seek(Checkpoint after) {
    close();
    SourceInfo info = SourceProbe.probe(schemaServer);
    files = new BinlogFiles(dir);
    cover = new GtidCover(null);
    checkFirstFile = false;
    BinlogPosition from;
    if (start instanceof StartPosition.AfterGtids g) {
      cover = new GtidCover(g.gtids()); // also when resuming: what the target had stays covered
    }
    if (after.nativePosition() instanceof BinlogPosition p) {
      from = p;
    } else if (!after.isNone()) {
      throw new SourceException(
          "cannot resume from " + after + ": its native position is not a binlog position", false);
    } else if (start instanceof StartPosition.At at) {
      from = at.position();
    } else if (start instanceof StartPosition.AfterGtids) {
      from = first();
      checkFirstFile = true;
    } else if (start instanceof StartPosition.Beginning) {
      from = first();
    } else {
      throw new SourceException(
          "binlog files are read from the beginning, a file:offset or after a GTID position",
          false);
    }
    assembler = BinlogExtractor.assembler(info, schemaServer, null, fragmentBytes, clock);
    assembler.startAt(from);
    files.open(files.indexOf(from.file()));
    file = from.file();
    skipThrough = from.offset();
    ended = false;
    endedInside = null;
  }

  private BinlogPosition first() {
    return new BinlogPosition(files.files().get(0).getFileName().toString(), 4);
  }

  /** The next transaction; null once the files are read to their end. */
  @Override
  public ReplEvent next(long timeout, TimeUnit unit) {
    if (ended) {
      return null;
    }
    while (true) {
      Event e;
      try {
        e = files.next();
      } catch (BinlogFiles.CutShort cut) {
        ended = true;
        endedInside = cut.getMessage();
        return null;
      }
      if (e == null) {
        ended = true;
        if (assembler.inTransaction()) {
          endedInside =
              "the binlog in "
                  + dir
                  + " ends inside a transaction (in "
                  + file
                  + "): the server died before it committed it; it is not applied";
        }
        return null;
      }
      if (!files.currentFile().equals(file)) {
        if (assembler.inTransaction() && !assembler.handedOutFragments()) {
          LOG.warn(
              "{} ends inside a transaction the server never committed (it died, and wrote {}"
                  + " after its restart): that transaction is passed over",
              file,
              files.currentFile());
          assembler.abandonOpenTransaction();
        }
        file = files.currentFile();
        skipThrough = 0;
        assembler.nextFile(file);
      }
      if (checkFirstFile && e.getHeader().getEventType() == EventType.MARIADB_GTID_LIST) {
        checkFirstFile = false;
        checkCovers(e);
      }
      EventType type = e.getHeader().getEventType();
      long next = e.getHeader() instanceof EventHeaderV4 h ? h.getNextPosition() : 0;
      if (next <= skipThrough && type != EventType.FORMAT_DESCRIPTION) {
        continue; // before the start
      }
      Transaction tx = assembler.accept(e);
      if (tx != null && !cover.covers(tx)) {
        if (tx.lastFrag() && tx.header().nativePosition() instanceof BinlogPosition p) {
          lastRead = p;
          read.add(p);
        }
        return tx;
      }
    }
  }

  /**
   * The first file must begin at or before the start position: its GTID list (the server's state
   * where the file begins) may not be ahead of the position in any domain, else transactions in
   * between are not in the files.
   */
  private void checkCovers(Event e) {
    if (!(cover.position() instanceof io.ferry.core.position.MariaDbGtidPosition wanted)) {
      return;
    }
    io.ferry.core.position.MariaDbGtidPosition begins;
    try {
      begins =
          io.ferry.core.position.MariaDbGtidPosition.parse(
              ((com.github.shyiko.mysql.binlog.event.MariadbGtidListEventData) e.getData())
                  .getMariaGTIDSet()
                  .toString());
    } catch (RuntimeException unreadable) {
      LOG.warn("cannot read the GTID list that begins {}: not checked", file);
      return;
    }
    for (io.ferry.core.position.MariaDbGtid g : begins.gtids()) {
      long have =
          wanted.domain(g.domain()).map(io.ferry.core.position.MariaDbGtid::sequence).orElse(0L);
      if (g.sequence() > have) {
        throw new SourceException(
            "the binlog files in "
                + dir
                + " begin after "
                + cover.position().text()
                + ": "
                + file
                + " starts at "
                + g.text()
                + " in domain "
                + g.domain()
                + ", so transactions "
                + (have + 1)
                + " to "
                + g.sequence()
                + " of that domain are not in them. Copy the earlier binlog files too",
            false);
      }
    }
  }

  @Override
  public void close() {
    if (files != null) {
      files.close();
      files = null;
    }
  }
}
