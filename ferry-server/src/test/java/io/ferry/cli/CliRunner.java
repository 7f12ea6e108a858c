package io.ferry.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the ferry command in-process and captures what it prints. */
final class CliRunner {
  record Result(int code, String out, String err) {}

  private CliRunner() {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }
}
