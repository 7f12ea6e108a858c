package io.ferry.mysql.apply;

import java.util.regex.Pattern;

/**
 * How the MariaDB/MySQL applier behaves.
 *
 * @param service the service name: the catalog schema on the target is {@code ferry_<service>}
 * @param logToBinlog whether applied changes go to the target's own binlog (needed when the target
 *     is itself a source for further replicas; off by default)
 * @param taskId the apply task's row in the catalog (0 for a single apply channel)
 * @param triggersFire whether the target's triggers fire for applied rows; by default they must not
 *     (as on a native replica): the session sets {@code @ferry_service}, and tables whose triggers
 *     do not test it are refused
 * @param channel whether it is one channel of parallel apply (else the service's only applier,
 *     which first settles what an earlier parallel run left in the catalog)
 * @param lockWaitSeconds the session's {@code innodb_lock_wait_timeout} (0: the server's)
 * @param conflicts conflict detection and resolution (multi-master)
 * @param logOrigin with {@code logToBinlog}: each transaction is applied under its origin's server
 *     id and MariaDB GTID domain (see {@link OriginSession}), and the catalog records the origin's
 *     service name for them (see {@link OriginCatalog})
 */
public record ApplierSettings(
    String service,
    boolean logToBinlog,
    int taskId,
    boolean triggersFire,
    boolean channel,
    int lockWaitSeconds,
    ConflictPolicy conflicts,
    boolean logOrigin) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,56}");

  public ApplierSettings {
    if (service == null || !NAME.matcher(service).matches()) {
      throw new IllegalArgumentException(
          "service name '"
              + service
              + "' cannot name a catalog schema: use 1 to 56 letters, digits or underscores");
    }
    if (conflicts == null) {
      conflicts = ConflictPolicy.NONE;
    }
    if (taskId < 0 || lockWaitSeconds < 0) {
      throw new IllegalArgumentException("negative apply task id or lock wait");
    }
  }

  public static ApplierSettings of(String service) {
    return new ApplierSettings(service, false, 0, false, false, 0, ConflictPolicy.NONE, true);
  }

  public ApplierSettings withLogToBinlog(boolean v) {
    return new ApplierSettings(
        service, v, taskId, triggersFire, channel, lockWaitSeconds, conflicts, logOrigin);
  }

  public ApplierSettings withTriggersFire(boolean v) {
    return new ApplierSettings(
        service, logToBinlog, taskId, v, channel, lockWaitSeconds, conflicts, logOrigin);
  }

  public ApplierSettings withLogOrigin(boolean v) {
    return new ApplierSettings(
        service, logToBinlog, taskId, triggersFire, channel, lockWaitSeconds, conflicts, v);
  }

  /** Whether transactions are applied under their origin's server id (see {@link #logOrigin}). */
  public boolean tagsOrigin() {
    return logToBinlog && logOrigin;
  }

  /** The settings of parallel apply's channel {@code id}. */
  public ApplierSettings asChannel(int id, int lockWait) {
    return new ApplierSettings(
        service, logToBinlog, id, triggersFire, true, lockWait, conflicts, logOrigin);
  }

  public ApplierSettings withConflicts(ConflictPolicy v) {
    return new ApplierSettings(
        service, logToBinlog, taskId, triggersFire, channel, lockWaitSeconds, v, logOrigin);
  }

  /** The catalog schema: {@code ferry_<service>}. */
  public String catalogSchema() {
    return "ferry_" + service;
  }
}
