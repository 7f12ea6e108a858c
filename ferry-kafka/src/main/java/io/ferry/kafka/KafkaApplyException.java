package io.ferry.kafka;

import io.ferry.core.pipeline.Retriable;
import io.ferry.core.pipeline.TransactionFailure;
import io.ferry.core.position.NativePosition;
import io.ferry.core.target.TargetException;

/**
 * A failure to write to Kafka, with the transaction it concerns (or none) and whether trying again
 * from the last commit can help (a broker away, a timeout) or not (a fenced producer, a refused
 * topic, DDL under target.ddl = stop).
 */
public final class KafkaApplyException extends TargetException
    implements Retriable, TransactionFailure {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;
  private final long seqno;
  private final transient NativePosition nativePosition;

  KafkaApplyException(String message, Throwable cause, boolean retriable) {
    this(message, cause, retriable, -1, null);
  }

  KafkaApplyException(
      String message,
      Throwable cause,
      boolean retriable,
      long seqno,
      NativePosition nativePosition) {
    super(message, cause);
    this.retriable = retriable;
    this.seqno = seqno;
    this.nativePosition = nativePosition;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }

  @Override
  public long seqno() {
    return seqno;
  }

  @Override
  public NativePosition nativePosition() {
    return nativePosition;
  }
}
