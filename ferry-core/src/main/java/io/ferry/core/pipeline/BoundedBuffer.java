package io.ferry.core.pipeline;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A FIFO bounded by item count and by estimated bytes (one item larger than the byte bound still
 * passes, alone): what every in-memory hand-over between threads in a pipeline uses, so that memory
 * stays bounded whatever the backlog. Thread-safe: any number of producers and consumers.
 *
 * @param <T> the items
 */
public final class BoundedBuffer<T> {
  private final int maxItems;
  private final long maxBytes;
  private final ToLongFunction<T> sizeOf;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ArrayDeque<Long> sizes = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private long bytes;
  private long highWater;

  public BoundedBuffer(int maxItems, long maxBytes, ToLongFunction<T> sizeOf) {
    if (maxItems < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a buffer needs room for at least one item");
    }
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.sizeOf = sizeOf;
  }

  /** Adds an item, waiting while the buffer is full. */
  public void put(T item) throws InterruptedException {
    while (!offer(item, 1, TimeUnit.DAYS)) {
      // keep waiting
    }
  }

  /** Adds an item if room comes within the timeout; whether it was added. */
  public boolean offer(T item, long timeout, TimeUnit unit) throws InterruptedException {
    long size = sizeOf.applyAsLong(item);
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (!items.isEmpty() && (items.size() >= maxItems || bytes + size > maxBytes)) {
        if (nanos <= 0) {
          return false;
        }
        nanos = notFull.awaitNanos(nanos);
      }
      items.addLast(item);
      sizes.addLast(size);
      bytes += size;
      highWater = Math.max(highWater, items.size());
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The oldest item, or null if none came within the timeout. */
  public T take(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      T item = items.removeFirst();
      bytes -= sizes.removeFirst();
      notFull.signal();
      return item;
    } finally {
      lock.unlock();
    }
  }

  /** Drops every item. */
  public void clear() {
    lock.lock();
    try {
      items.clear();
      sizes.clear();
      bytes = 0;
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }

  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  /** The most items the buffer ever held at once. */
  public long highWater() {
    lock.lock();
    try {
      return highWater;
    } finally {
      lock.unlock();
    }
  }

  public int maxItems() {
    return maxItems;
  }
}
