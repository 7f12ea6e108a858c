package io.ferry.cli.service;

import io.ferry.cli.Cli;
import io.ferry.cli.CliException;
import io.ferry.cli.ServiceLogging;
import io.ferry.core.pipeline.SkipSeqnos;
import io.ferry.server.Service;
import io.ferry.server.ServiceStateException;
import io.ferry.server.config.ConfigException;
import io.ferry.server.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry service run}. */
@Command(
    name = "run",
    header = "Run one service in the foreground until it is stopped.",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    description = {
      "Loads the service's configuration file, brings the service online and logs to standard"
          + " output. SIGTERM or Ctrl-C takes it offline cleanly (every stage stops at a"
          + " transaction boundary) before the process ends. If the service fails, its error"
          + " (seqno, native position, what to do) is printed and the process ends.",
      "",
      "Exit status: 1 when the service failed, 2 for a bad command line or configuration; a"
          + " stop by a signal ends with that signal's usual status (143 for SIGTERM, 130 for"
          + " Ctrl-C) after the clean offline.",
      ""
    })
public final class ServiceRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The service's configuration file.")
  Path config;

  @Option(
      names = "--skip-seqno",
      paramLabel = "LIST",
      description = "Skip these seqnos when going online, like 42 or 40-45,50.")
  String skip;

  @Override
  public Integer call() throws InterruptedException {
    ServiceConfig cfg;
    try {
      cfg = ServiceConfig.load(config);
    } catch (ConfigException e) {
      throw new CliException(e.getMessage(), Cli.EXIT_USAGE);
    }
    SkipSeqnos skipSeqnos;
    try {
      skipSeqnos = skip == null ? null : SkipSeqnos.parse(skip);
    } catch (IllegalArgumentException e) {
      throw new CliException("--skip-seqno: " + e.getMessage(), Cli.EXIT_USAGE);
    }
    ServiceLogging.enable(false);
    Service service = new Service(cfg, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                if (service.state() == Service.State.ONLINE) {
                  service.offline();
                }
              } catch (ServiceStateException e) {
                // it failed or stopped meanwhile
              } finally {
                stopped.countDown();
              }
            },
            "ferry-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.online(new Service.OnlineOptions(skipSeqnos));
    } catch (ServiceStateException e) {
      throw new CliException(e.getMessage());
    }
    while (stopped.getCount() > 0) {
      if (service.state() == Service.State.OFFLINE_ERROR) {
        Service.Failure f = service.failure();
        spec.commandLine()
            .getErr()
            .println("ferry: service " + cfg.name() + " failed: " + f.message());
        spec.commandLine().getErr().flush();
        service.close();
        return Cli.EXIT_FAILED;
      }
      stopped.await(200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    return Cli.EXIT_OK;
  }
}
