package io.ferry.scripting;

import io.ferry.core.event.Transaction;
import io.ferry.core.filter.FilterContext;
import io.ferry.core.pipeline.Filter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A filter that runs a script's {@code filter(tx)} on every transaction fragment, with its {@code
 * prepare(ctx)} before the first and its {@code release()} at close, each within the budget. After
 * a failure the instance may be unusable; the service restarts with a fresh one. Called by one task
 * thread; {@link #budgetUsed()} may be read by others.
 */
public final class ScriptFilter implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptFilter.class);

  private final String name;
  private final Path file;
  private final Duration budgetTime;
  private final long maxInstructions;
  private final Map<String, String> params;
  private final Budget budget;
  private final ScriptRuntime runtime;
  private volatile double maxUsed;

  ScriptFilter(
      String name,
      Path file,
      Duration budgetTime,
      long maxInstructions,
      Map<String, String> params,
      Budget budget,
      ScriptRuntime runtime) {
    this.name = name;
    this.file = file;
    this.budgetTime = budgetTime;
    this.maxInstructions = maxInstructions;
    this.params = params;
    this.budget = budget;
    this.runtime = runtime;
  }

  @Override
  public String name() {
    return name;
  }

  /** The script this filter runs. */
  public Path script() {
    return file;
  }

  @Override
  public void prepare(FilterContext context) {
    if (runtime.has("prepare")) {
      run("prepare", new ContextHost(context, params, name), "prepare");
    }
  }

  @Override
  public Transaction filter(Transaction tx) {
    TxHost host = new TxHost(tx);
    String where = "seqno " + tx.seqno() + (tx.fragno() > 0 ? " fragment " + tx.fragno() : "");
    run("filter", host, where);
    return host.result();
  }

  private void run(String hook, HostObject arg, String where) {
    String returned;
    budget.start();
    try {
      returned = runtime.call(hook, arg);
    } catch (Budget.Exceeded e) {
      throw new ScriptFilterException(
          "filter "
              + name
              + ": script "
              + file
              + " was stopped at "
              + where
              + ": it "
              + e.getMessage()
              + " (budget "
              + budgetText()
              + "). Fix the script, or raise filter."
              + name
              + (e.getMessage().contains("instructions") ? ".instructions" : ".budget"),
          e);
    } catch (ScriptError e) {
      throw failed(where, e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // the engines turn these into ScriptError; this is the net for any path they miss
      throw failed(where, ScriptError.fatal(e, 0));
    } finally {
      budget.stop();
      maxUsed = Math.max(maxUsed, budget.used());
    }
    if (returned != null) {
      throw new ScriptFilterException(
          "filter "
              + name
              + ": script "
              + file
              + " at "
              + where
              + ": "
              + hook
              + "() returned "
              + returned
              + "; return nothing; to drop use tx.drop()",
          null);
    }
  }

  private ScriptFilterException failed(String where, ScriptError e) {
    return new ScriptFilterException(
        "filter " + name + ": script " + file + " failed at " + where + ", " + e.located(), e);
  }

  private String budgetText() {
    String t = budgetTime.toMillis() + "ms";
    return maxInstructions > 0 ? t + " and " + maxInstructions + " instructions" : t;
  }

  @Override
  public double budgetUsed() {
    return maxUsed;
  }

  @Override
  public void close() {
    try {
      if (runtime.has("release")) {
        run("release", null, "release");
      }
    } catch (ScriptFilterException e) {
      LOG.warn("{}", e.getMessage());
    } finally {
      runtime.close();
    }
  }

  @Override
  public String toString() {
    return "filter " + name + " (script " + file + ")";
  }
}
