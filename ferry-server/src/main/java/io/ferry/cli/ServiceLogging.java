package io.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Logging for a running service: INFO and above on standard output, each line with the time, the
 * level, and the service, stage and seqno it concerns (MDC).
 */
public final class ServiceLogging {
  private ServiceLogging() {}

  public static void enable(boolean verbose) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(
        "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%X{service} %X{stage} %X{seqno}] %logger{0}:"
            + " %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("SERVICE");
    out.setEncoder(encoder);
    out.start();
    root.addAppender(out);
    root.setLevel(verbose ? Level.DEBUG : Level.INFO);
    ctx.getLogger("org.mariadb").setLevel(Level.WARN);
    ctx.getLogger("com.github.shyiko").setLevel(Level.WARN);
    // The driver logs every error packet; Ferry reports the errors that matter with their context.
    ctx.getLogger("org.mariadb.jdbc.message.server.ErrorPacket").setLevel(Level.OFF);
  }
}
