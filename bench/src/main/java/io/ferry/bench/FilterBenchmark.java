package io.ferry.bench;

import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.filter.FilterRegistry;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.filter.MeteredFilter;
import io.ferry.core.pipeline.BlockCommit;
import io.ferry.core.pipeline.DummyApplier;
import io.ferry.core.pipeline.Filter;
import io.ferry.core.pipeline.GeneratorExtractor;
import io.ferry.core.pipeline.Pipeline;
import io.ferry.core.pipeline.Stage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What filters cost. (1) The in-memory pipeline (generator → filters → dummy applier, one stage,
 * blocks of 1000) with a pass-through filter, against the same pipeline with a chain of three
 * built-in filters made by their factories exactly as a service makes them (replicate with an
 * ignore-list, rename of a table, drop-columns): rounds alternate, medians are compared; the target
 * is a chain rate of at least 90% of the baseline. (2) Scripted filters: see {@link
 * ScriptFilterBench}. Prints figures and ratios; asserts nothing.
 */
public final class FilterBenchmark {
  private final Duration duration;
  private final int rounds;

  private FilterBenchmark(Duration duration, int rounds) {
    this.duration = duration;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws Exception {
    int seconds = 4;
    int rounds = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--help", "-h" -> {
          System.out.println(
              "usage: bench/run.sh filters [--seconds N] [--rounds R]\n"
                  + "  --seconds  length of each measurement (default 4)\n"
                  + "  --rounds   alternating rounds of baseline and chain (default 3)");
          return;
        }
        default ->
            throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
      }
    }
    new FilterBenchmark(Duration.ofSeconds(seconds), rounds).run();
  }

  private void run() throws Exception {
    System.out.printf(
        "Ferry filter benchmark: %s, %d cores, Java %s, %d s per measurement%n%n",
        System.getProperty("os.name"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        duration.toSeconds());
    List<String> summary = new ArrayList<>();
    pipelines(summary);
    ScriptFilterBench.run(duration, summary);
    System.out.println();
    System.out.println("summary:");
    summary.forEach(s -> System.out.println("  " + s));
  }

  private void pipelines(List<String> summary) throws InterruptedException {
    System.out.println(
        "in-memory pipeline, one stage, generator (1 row of 2 columns per transaction, 8"
            + " schemas) -> filters -> dummy applier, blocks of 1000:");
    loop(() -> List.of(new PassThrough()), Duration.ofSeconds(2)); // warm up
    loop(FilterBenchmark::chain, Duration.ofSeconds(2));
    double[] base = new double[rounds];
    double[] chain = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      base[r] = loop(() -> List.of(new PassThrough()), duration);
      chain[r] = loop(FilterBenchmark::chain, duration);
      System.out.printf(
          Locale.ROOT,
          "  round %d: pass-through %,12.0f tx/s   3 built-in filters %,12.0f tx/s%n",
          r + 1,
          base[r],
          chain[r]);
    }
    double b = median(base);
    double c = median(chain);
    System.out.printf(
        Locale.ROOT,
        "  median:  pass-through %,12.0f tx/s   3 built-in filters %,12.0f tx/s  (%.1f%% of the"
            + " baseline)%n%n",
        b,
        c,
        100 * c / b);
    summary.add(
        String.format(
            Locale.ROOT,
            "3 built-in filters  %,10.0f tx/s = %.2f x the pass-through pipeline (%,.0f tx/s)"
                + " [>= 0.90]; they add %.0f ns per transaction to the loop's %.0f ns",
            c,
            c / b,
            b,
            1e9 / c - 1e9 / b,
            1e9 / b));
  }

  /** replicate (ignore-list), rename (a table), drop-columns: made as a service makes them. */
  private static List<Filter> chain() {
    FilterRegistry registry = FilterRegistry.installed();
    FilterContext ctx = FilterContext.offline("bench", FilterContext.Side.EXTRACT);
    List<Filter> out = new ArrayList<>();
    for (Map.Entry<String, String[]> e :
        List.of(
            Map.entry("replicate", new String[] {"ignore", "scratch.*, *.tmp_*"}),
            Map.entry("rename", new String[] {"rules", "*.t=*.items"}),
            Map.entry("drop-columns", new String[] {"columns", "*.items.payload"}))) {
      String only = System.getProperty("bench.only");
      if (only != null && !only.equals(e.getKey())) {
        continue;
      }
      var factory = registry.get(e.getKey());
      var setting =
          factory.settings().stream()
              .filter(s -> s.key().equals(e.getValue()[0]))
              .findFirst()
              .orElseThrow();
      FilterSettings s =
          withText(FilterSettings.defaults(e.getKey(), e.getKey()), setting, e.getValue()[1]);
      Filter f =
          Boolean.getBoolean("bench.bare")
              ? factory.create(s)
              : new MeteredFilter(factory.create(s), e.getKey(), e.getKey(), ctx);
      f.prepare(ctx);
      out.add(f);
    }
    return out;
  }

  private static <T> FilterSettings withText(
      FilterSettings s, io.ferry.core.config.Setting<T> setting, String text) {
    return s.with(setting, setting.type().parse(text));
  }

  /** Passes everything: the cost of a filter call. */
  private static final class PassThrough implements Filter {
    @Override
    public Transaction filter(Transaction transaction) {
      return transaction;
    }
  }

  private static double loop(Supplier<List<Filter>> filters, Duration d)
      throws InterruptedException {
    DummyApplier dummy = new DummyApplier();
    Stage.Builder b =
        Stage.builder("generator-to-dummy")
            .extractor(new GeneratorExtractor(-1, 1, 16, 8, Clock.systemUTC()))
            .applier(dummy)
            .blockCommit(new BlockCommit(1000, Duration.ofMillis(500)));
    filters.get().forEach(b::filter);
    Pipeline p = new Pipeline("bench", List.of(b.build()), List.of(), Clock.systemUTC());
    p.start();
    Thread.sleep(200);
    long before = dummy.events();
    long start = System.nanoTime();
    Thread.sleep(d.toMillis());
    long events = dummy.events() - before;
    double seconds = (System.nanoTime() - start) / 1e9;
    p.stop(Duration.ofSeconds(10));
    return events / seconds;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
