package io.ferry.cli.filter;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.Json;
import io.ferry.cli.Table;
import io.ferry.cli.thl.EventJson;
import io.ferry.cli.thl.EventSql;
import io.ferry.cli.thl.EventText;
import io.ferry.core.event.ReplEvent;
import io.ferry.core.event.Transaction;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.thl.Thl;
import io.ferry.core.thl.ThlReader;
import io.ferry.core.thl.ThlRecord;
import io.ferry.mysql.BinlogExtractor;
import io.ferry.mysql.DbTls;
import io.ferry.mysql.ExtractorSettings;
import io.ferry.mysql.StartPosition;
import io.ferry.mysql.schema.SchemaHistory;
import io.ferry.mysql.source.SourceSettings;
import io.ferry.sandbox.Binaries;
import io.ferry.sandbox.SandboxServer;
import io.ferry.sandbox.Sandboxes;
import io.ferry.server.FilterChains;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry filter test}. */
@Command(
    name = "test",
    header = "Run a service's filters over real transactions and show what they do.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Reads transactions from a THL (any service's log: the master's, to try a replica's"
          + " apply.filters before they go live), or from the binlog of a sandbox server"
          + " (--sandbox), runs them through the filter chain of the"
          + " service file --config (extract.filters, then apply.filters, as the role has"
          + " them), and prints each transaction before and after, with what each filter did"
          + " and the time it took; then a summary per filter. Nothing is written anywhere."
          + " Filters that need a schema view ask the service's source or target.",
      "",
      "Exit status: 0 when the chain ran; 1 when a filter failed (its error is printed with the"
          + " seqno); 2 for a usage or configuration problem.",
      ""
    })
final class FilterTestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The service file whose filters run.")
  Path config;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** Where the transactions come from: a log, or a sandbox server's binlog. */
  static final class Source {
    @Option(
        names = "--thl",
        required = true,
        paramLabel = "DIR",
        description = "The THL directory to read transactions from.")
    Path thlDir;

    @Option(
        names = "--sandbox",
        required = true,
        paramLabel = "NAME",
        description =
            "Read the binlog of a sandbox's server (ferry sandbox create) from its beginning to"
                + " its end instead; seqnos are numbered from 0.")
    String sandbox;
  }

  @Option(
      names = "--server",
      paramLabel = "N",
      defaultValue = "1",
      description = "With --sandbox: which of its servers (default 1).")
  int server;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "With --sandbox: the sandboxes' directory (as for ferry sandbox).")
  Path home;

  @Option(names = "--seqno", paramLabel = "SEQNO", description = "Only this seqno.")
  Long seqno;

  @Option(names = "--low", paramLabel = "SEQNO", description = "First seqno (default: first).")
  Long low;

  @Option(
      names = "--high",
      paramLabel = "SEQNO",
      description = "Last seqno (default: --low plus 99, or the end).")
  Long high;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  static final class Format {
    @Option(names = "--sql", description = "Before and after as SQL scripts.")
    boolean sql;

    @Option(names = "--json", description = "One JSON document per transaction.")
    boolean json;
  }

  /** A filter's totals over the run. */
  private static final class Total {
    final String type;
    long seen;
    long changed;
    long dropped;
    long nanos;

    Total(String type) {
      this.type = type;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    ServiceConfig c = load();
    if (source.thlDir != null && !Files.isDirectory(source.thlDir)) {
      throw new CliException("there is no THL directory " + source.thlDir, Cli.EXIT_USAGE);
    }
    SourceSettings sandboxSource = source.sandbox != null ? sandboxSource() : null;
    List<AutoCloseable> resources = new ArrayList<>();
    List<Filter> chain = new ArrayList<>();
    Map<String, Total> totals = new LinkedHashMap<>();
    try {
      // with --sandbox, extract-side filters ask the sandbox server for table definitions
      io.ferry.core.filter.SchemaView view = null;
      if (sandboxSource != null) {
        io.ferry.mysql.schema.JdbcSchemaView v =
            new io.ferry.mysql.schema.JdbcSchemaView(
                "sandbox " + source.sandbox + " server " + server,
                () -> io.ferry.mysql.source.SourceProbe.connect(sandboxSource));
        resources.add(v);
        view = v;
      }
      try {
        chain.addAll(FilterChains.forService(c, Clock.systemUTC(), resources, view));
      } catch (RuntimeException e) {
        throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
      }
      for (Filter f : chain) {
        totals.put(
            f.name(),
            totals.containsKey(f.name())
                ? totals.get(f.name())
                : new Total(((io.ferry.core.filter.MeteredFilter) f).type()));
      }
      if (chain.isEmpty() && !format.json) {
        out.println(
            c.file() + " configures no filters for a " + c.role() + " service: nothing to try.");
      }
      EventSql sql = format.sql ? new EventSql(out) : null;
      if (source.thlDir != null) {
        fromLog(out, sql, chain, totals);
      } else {
        fromSandbox(out, sql, chain, totals, sandboxSource);
      }
    } finally {
      FilterChains.release(chain, resources, spec.commandLine().getErr()::println);
    }
    if (!format.json) {
      summary(out, totals);
    }
    out.flush();
    return 0;
  }

  private long from(long first) {
    return seqno != null ? seqno : low != null ? low : first;
  }

  private long to(long from) {
    long to = seqno != null ? seqno : high != null ? high : from + 99;
    if (to < from) {
      throw new CliException(
          "--high " + to + " is below --low " + from + ": write FIRST <= LAST", Cli.EXIT_USAGE);
    }
    return to;
  }

  private void fromLog(PrintWriter out, EventSql sql, List<Filter> chain, Map<String, Total> t)
      throws InterruptedException {
    try (Thl thl = Thl.openReadOnly(source.thlDir)) {
      if (thl.firstSeqno().isEmpty()) {
        out.println("The THL in " + source.thlDir + " is empty.");
        return;
      }
      long from = from(thl.firstSeqno().getAsLong());
      long to = to(from);
      try (ThlReader reader = thl.reader(from)) {
        ThlRecord rec;
        while ((rec = reader.next(0, TimeUnit.MILLISECONDS)) != null
            && rec.header().seqno() <= to) {
          show(out, sql, rec.event(), chain, t);
        }
      }
    }
  }

  /**
   * Reads a sandbox server's binlog from its beginning as a replica would (the sandbox's replicator
   * account, the project's binlog extractor), numbering transactions from 0, until it has been idle
   * for a second.
   */
  /** The sandbox server to read, as a source: its replicator account, no TLS. */
  private SourceSettings sandboxSource() {
    Sandboxes sandboxes =
        new Sandboxes(
            home != null ? home : Sandboxes.defaultHome(),
            new Binaries(Binaries.defaultCacheDir()));
    SandboxServer s;
    try {
      s = sandboxes.get(source.sandbox).server(server);
    } catch (RuntimeException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
    }
    return new SourceSettings(
        s.host(),
        s.port(),
        s.replicator().user(),
        s.replicator().password(),
        SourceSettings.defaultReplicaServerId("ferry-filter-test", s.port()),
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        DbTls.OFF);
  }

  private void fromSandbox(
      PrintWriter out,
      EventSql sql,
      List<Filter> chain,
      Map<String, Total> t,
      SourceSettings settings)
      throws InterruptedException {
    long from = from(0);
    long to = to(from);
    Path history;
    try {
      history = Files.createTempFile("ferry-filter-test", ".jsonl");
      Files.delete(history);
    } catch (java.io.IOException e) {
      throw new CliException("cannot make a temporary file: " + e.getMessage(), Cli.EXIT_FAILED);
    }
    ExtractorSettings es =
        ExtractorSettings.defaults()
            .withStart(new StartPosition.Beginning())
            .withSchemaHistory(history, SchemaHistory.OnUnparsedDdl.CONTINUE);
    try (BinlogExtractor ex = new BinlogExtractor(settings, es, Clock.systemUTC())) {
      ex.seek(io.ferry.core.event.Checkpoint.NONE);
      long next = 0;
      ReplEvent e;
      while ((e = ex.next(1, TimeUnit.SECONDS)) != null && next <= to) {
        if (!(e instanceof Transaction tx)) {
          continue;
        }
        Transaction numbered = tx.withHeader(tx.header().withSeqno(next, 0));
        if (next >= from) {
          show(out, sql, numbered, chain, t);
        }
        if (tx.lastFrag()) {
          next++;
        }
      }
    } finally {
      try {
        Files.deleteIfExists(history);
      } catch (java.io.IOException ignored) {
        // a temporary file: the system cleans it up
      }
    }
  }

  private ServiceConfig load() {
    try {
      ServiceConfig c = ServiceConfig.load(config);
      c.checkFilters();
      return c;
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
    }
  }

  private void show(
      PrintWriter out, EventSql sql, ReplEvent event, List<Filter> chain, Map<String, Total> t) {
    if (!(event instanceof Transaction tx)) {
      if (!format.json) {
        out.println("-- seqno " + event.seqno() + " is a gap in the log: filters do not see it");
        EventText.block(out, event, null);
      }
      return;
    }
    FilterChains.Outcome o;
    try {
      o = FilterChains.run(chain, tx);
    } catch (RuntimeException e) {
      throw new CliException(
          "seqno " + tx.seqno() + " (fragment " + tx.fragno() + "): " + e.getMessage(),
          Cli.EXIT_FAILED);
    }
    for (FilterChains.Step s : o.steps()) {
      Total total = t.get(s.filter());
      total.seen++;
      total.nanos += s.nanos();
      total.changed += s.outcome().equals("changed") ? 1 : 0;
      total.dropped += s.outcome().equals("dropped") ? 1 : 0;
    }
    if (format.json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("seqno", tx.seqno());
      doc.put("fragno", tx.fragno());
      doc.put("before", EventJson.event(tx));
      doc.put("after", o.result() == null ? null : EventJson.event(o.result()));
      doc.put("droppedBy", o.droppedBy());
      List<Object> steps = new ArrayList<>();
      for (FilterChains.Step s : o.steps()) {
        steps.add(Map.of("filter", s.filter(), "outcome", s.outcome(), "micros", s.nanos() / 1e3));
      }
      doc.put("filters", steps);
      out.println(Json.compact(doc));
      return;
    }
    out.println("==== BEFORE");
    print(out, sql, tx);
    for (FilterChains.Step s : o.steps()) {
      out.printf(Locale.ROOT, "  -> %s: %s in %.3f ms%n", s.filter(), s.outcome(), s.nanos() / 1e6);
    }
    if (o.result() == null) {
      out.println("==== AFTER: dropped by filter " + o.droppedBy());
      out.println();
    } else {
      out.println("==== AFTER");
      print(out, sql, o.result());
    }
  }

  private static void print(PrintWriter out, EventSql sql, Transaction tx) {
    if (sql != null) {
      sql.print(tx);
      out.println();
    } else {
      EventText.block(out, tx, null);
    }
  }

  private static void summary(PrintWriter out, Map<String, Total> totals) {
    Table t = new Table("FILTER", "TYPE", "SEEN", "CHANGED", "DROPPED", "TIME", "PER TX");
    totals.forEach(
        (name, x) ->
            t.row(
                name,
                x.type,
                Long.toString(x.seen),
                Long.toString(x.changed),
                Long.toString(x.dropped),
                String.format(Locale.ROOT, "%.3f ms", x.nanos / 1e6),
                x.seen == 0 ? "-" : String.format(Locale.ROOT, "%.1f us", x.nanos / 1e3 / x.seen)));
    t.print(out, 0);
  }
}
