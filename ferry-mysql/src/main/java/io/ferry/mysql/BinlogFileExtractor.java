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

  /** The files read, in order. */
  public java.util.List<Path> files() {
    return new BinlogFiles(dir).files();
  }

  /** Where the last transaction handed out ends, or null. */
  public BinlogPosition lastRead() {
    return lastRead;
  }

  /** How many distinct transactions were handed out (a re-read after a retry counts once). */
  public int transactionsRead() {
    return read.size();
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
    BinlogPosition from;
    if (after.nativePosition() instanceof BinlogPosition p) {
      from = p;
    } else if (!after.isNone()) {
      throw new SourceException(
          "cannot resume from " + after + ": its native position is not a binlog position", false);
    } else if (start instanceof StartPosition.At at) {
      from = at.position();
    } else if (start instanceof StartPosition.AfterGtids g) {
      cover = new GtidCover(g.gtids());
      from = first();
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
      Event e = files.next();
      if (e == null) {
        ended = true;
        if (assembler.inTransaction()) {
          throw new SourceException(
              "the binlog in "
                  + dir
                  + " ends inside a transaction (in "
                  + file
                  + "): the server died before it committed; it is not applied",
              false);
        }
        return null;
      }
      if (!files.currentFile().equals(file)) {
        file = files.currentFile();
        skipThrough = 0;
        assembler.nextFile(file);
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

  @Override
  public void close() {
    if (files != null) {
      files.close();
      files = null;
    }
  }
}
