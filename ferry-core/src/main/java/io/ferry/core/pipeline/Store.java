package io.ferry.core.pipeline;

/**
 * What connects two stages: the upstream stage applies to it, the downstream stage extracts from
 * it. The THL is a durable store; a memory queue is not (the stages around it restart from the
 * downstream applier's checkpoint).
 */
public interface Store extends AutoCloseable {
  String name();

  /** The write side, for the upstream stage. */
  Applier applier();

  /** A read side, for a downstream stage task. */
  Extractor extractor();

  /** Whether what is committed to it survives a crash. */
  boolean isDurable();

  /**
   * For a store that is not durable: the checkpoint its applier reports at start, which is the
   * checkpoint of the stage downstream of it (restart positions flow backwards).
   */
  default void restartFrom(io.ferry.core.event.Checkpoint downstream) {}

  @Override
  default void close() {}
}
