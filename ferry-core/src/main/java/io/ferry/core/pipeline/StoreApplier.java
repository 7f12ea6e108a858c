package io.ferry.core.pipeline;

/** The applier of a store: the write side, which knows its store (for restart positions). */
public interface StoreApplier extends Applier {
  Store store();
}
