package io.ferry.mysql;

import io.ferry.core.event.Checkpoint;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.pipeline.Extractor;
import io.ferry.core.position.BinlogPosition;
import io.ferry.core.position.MariaDbGtid;
import io.ferry.core.position.MariaDbGtidPosition;
import io.ferry.core.position.MySqlGtidSet;
import io.ferry.core.position.NativePosition;
import io.ferry.mysql.binlog.TableResolver;
import io.ferry.mysql.binlog.TransactionAssembler;
import io.ferry.mysql.schema.CatalogSnapshot;
import io.ferry.mysql.schema.SchemaHistory;
import io.ferry.mysql.source.BinlogStream;
import io.ferry.mysql.source.GtidLocator;
import io.ferry.mysql.source.SourceException;
import io.ferry.mysql.source.SourceIdentity;
import io.ferry.mysql.source.SourceInfo;
import io.ferry.mysql.source.SourceProbe;
import io.ferry.mysql.source.SourceSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a MariaDB/MySQL binlog as a replica and hands out its transactions (in fragments when
 * large). It resumes right after the native position of its stage's last committed transaction.
 * When the source goes away between transactions it reconnects with backoff, for up to the
 * configured time; a failure that retrying cannot fix (a missing grant, a purged binlog) is raised
 * at once with what to do. Used by one stage thread.
 */
public final class BinlogExtractor implements Extractor {
  private static final Logger LOG = LoggerFactory.getLogger(BinlogExtractor.class);

  private final SourceSettings source;
  private final ExtractorSettings settings;
  private final Clock clock;
  private SourceInfo info;
  private volatile BinlogStream stream;
  private TransactionAssembler assembler;

  /** After a start by GTID: the transactions it covers, passed over; else covering nothing. */
  private io.ferry.mysql.source.GtidCover cover = new io.ferry.mysql.source.GtidCover(null);

  /** The GTID state the source named for the position just checked by {@link #follow}, or null. */
  private MariaDbGtidPosition checkedState;

  public BinlogExtractor(SourceSettings source, ExtractorSettings settings, Clock clock) {
    this.source = source;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public boolean isSource() {
    return true;
  }

  /** How many bytes of read transactions wait for the stage (0 when not connected). */
  public long queuedBytes() {
    BinlogStream s = stream;
    return s == null ? 0 : s.queuedBytes();
  }

  /** What the source said about itself at the last (re)connect. */
  public SourceInfo sourceInfo() {
    return info;
  }

  @Override
  public void seek(Checkpoint after) {
    closeStream();
    cover = new io.ferry.mysql.source.GtidCover(null);
    checkedState = null;
    info = SourceProbe.probe(source);
    SourceProbe.checkFormat(source, info, settings.requireRowFormat());
    BinlogPosition start;
    if (after.nativePosition() instanceof BinlogPosition resume) {
      start = follow(resume);
    } else if (after.nativePosition() instanceof MariaDbGtidPosition
        || after.nativePosition() instanceof MySqlGtidSet) {
      start = startAfterGtids(after.nativePosition());
    } else if (after.nativePosition() instanceof MariaDbGtid g) {
      start = startAfterGtids(new MariaDbGtidPosition(java.util.List.of(g)));
    } else if (!after.isNone()) {
      throw new SourceException(
          "cannot resume from " + after + ": its native position is not a binlog position", false);
    } else {
      start = configuredStart();
    }
    SchemaHistory history = schemaHistory(start);
    assembler = assembler(info, source, history, settings.fragmentBytes(), clock);
    assembler.heartbeatSchema(settings.heartbeatSchema());
    assembler.startAt(start);
    trackGtidState(start);
    openStream(start);
    LOG.info(
        "reading the binlog of {} ({}, binlog_format={}, binlog_row_metadata={}) from {}",
        source.address(),
        info.version(),
        info.binlogFormat(),
        info.rowMetadata(),
        start.text());
  }

  /**
   * The decoding of a binlog from what a server told about itself ({@code info}: collations,
   * MariaDB or MySQL) and, where table maps carry no column names, a schema history; old temporal
   * columns' precision is asked of {@code server}. Shared by the live and the file extractor.
   */
  static TransactionAssembler assembler(
      SourceInfo info,
      SourceSettings server,
      SchemaHistory history,
      long fragmentBytes,
      Clock clock) {
    TableResolver resolver =
        new TableResolver(
            info::charsetOf,
            history,
            (schema, table) -> SourceProbe.temporalPrecisions(server, schema, table),
            info.mariaDb());
    return new TransactionAssembler(
        resolver,
        id -> {
          SourceInfo.Collation c = info.collations().get(id);
          return c == null ? null : new String[] {c.name(), c.charset()};
        },
        fragmentBytes,
        clock,
        history == null ? null : history::ddl);
  }

  /**
   * Where to resume after a stored position on the server that answers now: the same file and
   * offset if it is the same place there, else after the position's GTID if that server has it (the
   * source failed over behind the same address); else the service stops (RESET MASTER, or a server
   * without this service's last transactions).
   */
  private BinlogPosition follow(BinlogPosition resume) {
    SourceIdentity.Verdict v = SourceIdentity.check(source, info, resume);
    checkedState = null;
    switch (v.kind()) {
      case SAME:
        checkedState = v.gtids(); // asked already: the start's state needs no second query
        return resume;
      case MOVED:
        LOG.warn("{}", v.message());
        return startAfterGtids(v.gtids());
      default:
        throw new SourceException(v.message(), false);
    }
  }

  private BinlogPosition startAfterGtids(NativePosition gtids) {
    BinlogPosition p = GtidLocator.locate(source, info, gtids);
    cover = new io.ferry.mysql.source.GtidCover(gtids);
    LOG.info("GTID position {} is read from binlog {} on", gtids.text(), p.text());
    return p;
  }

  /**
   * Gives the assembler the GTID state where reading starts (MariaDB): after a GTID start, that
   * position; else what the source says the file and offset stand for. Positions then carry the
   * whole state when the source has several domains.
   */
  private void trackGtidState(BinlogPosition start) {
    MariaDbGtidPosition checked = checkedState;
    checkedState = null;
    if (!info.mariaDb() || start.state() != null) {
      return;
    }
    if (cover.position() instanceof MariaDbGtidPosition gtids) {
      assembler.trackGtidState(gtids);
    } else if (checked != null) {
      assembler.trackGtidState(checked);
    } else {
      assembler.trackGtidState(SourceIdentity.stateAt(source, start));
    }
  }

  /**
   * The schema history, when the source does not log column names in its table maps; null when it
   * does ({@code binlog_row_metadata=FULL}), as then the table maps say everything.
   */
  private SchemaHistory schemaHistory(BinlogPosition start) {
    if ("FULL".equalsIgnoreCase(info.rowMetadata())) {
      return null;
    }
    if (settings.schemaHistory() == null) {
      throw new SourceException(
          "the source at "
              + source.address()
              + " logs binlog_row_metadata="
              + (info.rowMetadata().isEmpty() ? "(not supported)" : info.rowMetadata())
              + ", so its row events carry no column names: set binlog_row_metadata=FULL on the"
              + " source, or give the extractor a schema history file (setting schema-history)",
          false);
    }
    SchemaHistory history = new SchemaHistory(settings.schemaHistory(), settings.onUnparsedDdl());
    java.util.Map<String, String> byName = new java.util.HashMap<>();
    info.collations().values().forEach(c -> byName.put(c.name(), c.charset()));
    history.open(start, byName::get, new CatalogSnapshot(source));
    return history;
  }

  private BinlogPosition configuredStart() {
    StartPosition s = settings.start();
    if (s instanceof StartPosition.Beginning) {
      return new BinlogPosition(info.binlogs().get(0), 4);
    }
    if (s instanceof StartPosition.At at) {
      return at.position();
    }
    if (s instanceof StartPosition.AfterGtids g) {
      return startAfterGtids(g.gtids());
    }
    return info.head();
  }

  private void openStream(BinlogPosition start) {
    if (!info.binlogs().contains(start.file())) {
      throw new SourceException(
          "binlog file "
              + start.file()
              + " (needed to read from "
              + start.text()
              + ") is no"
              + " longer on the source at "
              + source.address()
              + "; it has "
              + (info.binlogs().isEmpty()
                  ? "none"
                  : info.binlogs().get(0) + " to " + info.binlogs().get(info.binlogs().size() - 1))
              + ". The transactions in between are lost to this service: re-provision its"
              + " targets and start again from a current position.",
          false);
    }
    stream =
        new BinlogStream(
            source,
            start.file(),
            Math.max(4, start.offset()),
            settings.queueBytes(),
            assembler::accept);
    try {
      stream.open();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException("interrupted while connecting to " + source.address(), true, e);
    } catch (RuntimeException e) {
      closeStream();
      throw e;
    }
  }

  @Override
  public ReplEvent next(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      try {
        ReplEvent e = stream.take(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e != null && cover.covers(e)) {
          continue; // read again after a GTID start: already applied
        }
        return e;
      } catch (SourceException e) {
        reconnect(e);
      }
    }
  }

  /**
   * Reconnects after the stream broke, resuming after the last complete transaction, if the failure
   * is one that time can fix and no fragment of an open transaction was handed out.
   */
  private void reconnect(SourceException failure) throws InterruptedException {
    closeStream();
    if (!failure.isRetriable() || settings.reconnectFor().isZero()) {
      throw failure;
    }
    if (assembler.handedOutFragments()) {
      throw new SourceException(
          failure.getMessage()
              + " (in the middle of a transaction whose first fragments were"
              + " already handed on: the stage must restart from its last commit)",
          true,
          failure);
    }
    assembler.abandonOpenTransaction();
    BinlogPosition resume = assembler.lastEnd();
    long deadline = System.nanoTime() + settings.reconnectFor().toNanos();
    Duration wait = Duration.ofMillis(200);
    SourceException last = failure;
    LOG.warn("{}; reconnecting to resume at {}", failure.getMessage(), resume.text());
    while (System.nanoTime() < deadline) {
      Thread.sleep(wait.toMillis());
      try {
        info = SourceProbe.probe(source);
        BinlogPosition at = follow(resume);
        if (!at.equals(resume)) {
          assembler.startAt(at);
          trackGtidState(at);
        }
        openStream(at);
        LOG.info("reconnected to {} at {}", source.address(), at.text());
        return;
      } catch (SourceException e) {
        if (!e.isRetriable()) {
          throw e;
        }
        last = e;
        wait =
            wait.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0
                ? Duration.ofSeconds(5)
                : wait.multipliedBy(2);
      }
    }
    throw new SourceException(
        "gave up reconnecting to the source at "
            + source.address()
            + " after "
            + settings.reconnectFor().toSeconds()
            + " s: "
            + last.getMessage(),
        true,
        last);
  }

  private void closeStream() {
    if (stream != null) {
      stream.close();
      stream = null;
    }
  }

  @Override
  public void close() {
    closeStream();
  }
}
