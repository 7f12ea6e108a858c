package io.ferry.scripting;

/**
 * The time and instruction budget of one call into a script. The engines' hooks call {@link
 * #tick(int)} every few hundred instructions; once the budget is spent every later tick throws
 * {@link Exceeded} again, so a script that catches the first one is stopped at its next
 * instructions. Used by the one thread that runs the script.
 */
final class Budget {
  private final long budgetNanos;
  private final long maxInstructions;
  private long start;
  private long deadline;
  private long instructions;
  private boolean limitless = true;

  Budget(long budgetNanos, long maxInstructions) {
    this.budgetNanos = budgetNanos;
    this.maxInstructions = maxInstructions;
  }

  /** Starts a call: the clock and the instruction count begin again. */
  void start() {
    start = System.nanoTime();
    deadline = start + budgetNanos;
    instructions = 0;
    limitless = false;
  }

  /** Ends a call; ticks after it (none are expected) count against nothing. */
  void stop() {
    limitless = true;
  }

  /** The share of the time budget the current or last call used. */
  double used() {
    return Math.min(1.0, (System.nanoTime() - start) / (double) budgetNanos);
  }

  long instructions() {
    return instructions;
  }

  /** Counts instructions the script ran; throws {@link Exceeded} when the budget is spent. */
  void tick(int count) {
    if (limitless) {
      return;
    }
    instructions += count;
    if (maxInstructions > 0 && instructions > maxInstructions) {
      throw new Exceeded("ran more than " + maxInstructions + " instructions");
    }
    if (System.nanoTime() - deadline > 0) {
      throw new Exceeded("ran longer than its time budget");
    }
  }

  /**
   * Checks the time (and an instruction limit already passed) without counting instructions: for
   * library code that runs long inside one instruction, such as a pattern match.
   */
  void check() {
    tick(0);
  }

  /**
   * Thrown into a script that spent its budget. An {@link Error}, not an exception: neither {@code
   * pcall} nor a JavaScript {@code catch} may swallow it.
   */
  static final class Exceeded extends Error {
    private static final long serialVersionUID = 1L;

    Exceeded(String message) {
      super(message, null, false, false);
    }
  }
}
