package io.ferry.server.check;

import io.ferry.core.event.Transaction;
import io.ferry.core.event.TransactionOptions;
import io.ferry.core.pipeline.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in filter of a service whose target type does not act on consistency checks (see {@link
 * io.ferry.core.target.Target#consistencyChecks}): a repair's rows are passed over (they would meet
 * the rows already there), said once in the log; check markers pass as they are. Not thread-safe:
 * one stage.
 */
public final class UncheckedTarget implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger(UncheckedTarget.class);

  private final String service;
  private final String target;
  private boolean told;

  public UncheckedTarget(String service, String target) {
    this.service = service;
    this.target = target;
  }

  @Override
  public String name() {
    return "unchecked-target";
  }

  @Override
  public Transaction filter(Transaction tx) {
    if (!"repair".equals(tx.header().option(TransactionOptions.CHECK_KIND))) {
      return tx;
    }
    if (!told) {
      told = true;
      LOG.warn(
          "service {}: repair {} passed over: {} does not replace ranges (repairs reach"
              + " MariaDB/MySQL targets; provision this target again to converge it)",
          service,
          tx.header().option(TransactionOptions.CHECK),
          target);
    }
    return null;
  }
}
