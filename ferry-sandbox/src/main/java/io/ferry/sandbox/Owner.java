package io.ferry.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that a sandbox belongs to, when it belongs to one (sandboxes created by tests do; a
 * user's sandboxes do not). A sandbox whose owner has died is stale and may be swept. The start
 * time guards against a recycled process id.
 *
 * @param pid the owner's process id
 * @param startedAtMillis the owner's start time in epoch milliseconds, or -1 if unknown
 */
public record Owner(long pid, long startedAtMillis) {

  /** The current JVM as an owner. */
  public static Owner currentProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new Owner(self.pid(), startMillis(self).orElse(-1L));
  }

  /** Whether the owning process is still running (and is the same process that created it). */
  @JsonIgnore
  public boolean isAlive() {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    if (startedAtMillis < 0) {
      return true;
    }
    Optional<Long> started = startMillis(handle.get());
    return started.isEmpty() || Math.abs(started.get() - startedAtMillis) < 2_000;
  }

  private static Optional<Long> startMillis(ProcessHandle handle) {
    return handle.info().startInstant().map(Instant::toEpochMilli);
  }
}
