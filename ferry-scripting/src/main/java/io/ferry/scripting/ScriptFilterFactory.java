package io.ferry.scripting;

import io.ferry.core.config.Setting;
import io.ferry.core.config.SettingType;
import io.ferry.core.filter.FilterFactory;
import io.ferry.core.filter.FilterSettings;
import io.ferry.core.pipeline.Filter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the scripted filter types share: the settings ({@code script}, {@code budget}, {@code
 * instructions}, free-form {@code param.*}), reading and compiling the script at configuration, and
 * the checks that it defines {@code filter}. Stateless and thread-safe.
 */
public abstract class ScriptFilterFactory implements FilterFactory {
  /** The script file, relative to the service's configuration file. */
  public static final Setting<Path> SCRIPT =
      new Setting<>(
          "script",
          SettingType.PATH,
          null,
          true,
          Set.of(),
          false,
          "The script file, relative to the service's configuration file (docs/filters.md has the"
              + " script API and ten samples).");

  /**
   * The time one transaction fragment may take in the script. Two seconds: a filter that needs
   * longer holds the whole stage back and is almost always looping; a slow legitimate script can
   * raise it.
   */
  public static final Setting<Duration> BUDGET =
      new Setting<>(
          "budget",
          SettingType.DURATION,
          Duration.ofSeconds(2),
          false,
          Set.of(),
          false,
          "The time the script may take per transaction fragment; a script that takes longer is"
              + " stopped and the service goes OFFLINE:ERROR naming the script, the seqno and the budget.");

  /** The most engine instructions per fragment, 0 for no limit. */
  public static final Setting<Long> INSTRUCTIONS =
      new Setting<>(
          "instructions",
          SettingType.longRange(0, Long.MAX_VALUE),
          0L,
          false,
          Set.of(),
          false,
          "The most instructions (Lua VM instructions, JavaScript interpreter instructions) the"
              + " script may run per transaction fragment; 0 for no limit.");

  @Override
  public List<Setting<?>> settings() {
    return List.of(SCRIPT, BUDGET, INSTRUCTIONS);
  }

  @Override
  public boolean takesParams() {
    return true;
  }

  /** Compiles the script and runs its top level in this type's engine. */
  abstract ScriptRuntime compile(String source, String fileName, Budget budget);

  @Override
  public Filter create(FilterSettings settings) {
    String key = settings.key(SCRIPT.key());
    Path file = settings.path(SCRIPT);
    if (file == null) {
      throw new IllegalArgumentException(
          key + " is required: set it to the " + type() + " script file of this filter");
    }
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the script " + file + " named by " + key + ": " + e, e);
    }
    Duration time = settings.get(BUDGET);
    if (time.isZero() || time.isNegative()) {
      throw new IllegalArgumentException(
          settings.key(BUDGET.key()) + " must be longer than zero, like 2s");
    }
    long instructions = settings.get(INSTRUCTIONS);
    Budget budget = new Budget(time.toNanos(), instructions);
    ScriptRuntime runtime;
    try {
      runtime = compile(source, file.getFileName().toString(), budget);
    } catch (ScriptError e) {
      throw new IllegalArgumentException(
          file + (e.line() > 0 ? ":" + e.line() : "") + ": " + e.getMessage() + " (" + key + ")",
          e);
    } catch (Budget.Exceeded e) {
      throw new IllegalArgumentException(
          file + ": the top level of the script " + e.getMessage() + " (" + key + ")", e);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // the engines turn these into ScriptError; this is the net for any path they miss
      throw new IllegalArgumentException(
          file + ": " + ScriptError.fatal(e, 0).getMessage() + " (" + key + ")", e);
    }
    if (!runtime.has("filter")) {
      runtime.close();
      throw new IllegalArgumentException(
          file
              + " defines no function filter(tx); a "
              + type()
              + " filter needs one ("
              + key
              + ")");
    }
    return new ScriptFilter(
        settings.name(), file, time, instructions, settings.params(), budget, runtime);
  }
}
