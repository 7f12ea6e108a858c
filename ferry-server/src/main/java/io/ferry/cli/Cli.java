package io.ferry.cli;

import ch.qos.logback.classic.Level;
import io.ferry.sandbox.SandboxException;
import io.ferry.sandbox.SandboxRequestException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Builds the command line and runs one command. Exit codes: 0 success, 1 the command failed (the
 * message says why), 2 the command line was wrong. Commands may return other codes where their help
 * says so.
 */
public final class Cli {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private Cli() {}

  /** Runs a command with the given output streams and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FerryCommand());
    cli.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
    cli.setExecutionExceptionHandler(Cli::handle);
    cli.setUsageHelpAutoWidth(true);
    return cli;
  }

  private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    if (e instanceof SandboxException || e instanceof CliException) {
      err.println("ferry: " + e.getMessage());
    } else {
      err.println("ferry: unexpected error: " + e);
      Throwable cause = e.getCause();
      while (cause != null) {
        err.println("  caused by: " + cause);
        cause = cause.getCause();
      }
      err.println("Run again with --verbose for the stack trace.");
    }
    Logger log = LoggerFactory.getLogger(Cli.class);
    log.debug("stack trace of the failure", e);
    err.flush();
    if (e instanceof SandboxRequestException) {
      return EXIT_USAGE;
    }
    return e instanceof CliException ce ? ce.exitCode() : EXIT_FAILED;
  }

  /** Sets how much the tool logs: warnings by default, more with --verbose. */
  static void setVerbose(boolean verbose) {
    org.slf4j.Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(verbose ? Level.DEBUG : Level.WARN);
    }
  }
}
