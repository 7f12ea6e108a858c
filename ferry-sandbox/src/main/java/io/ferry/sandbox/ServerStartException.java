package io.ferry.sandbox;

/** A server process did not come up. The message carries the server's own error lines. */
public class ServerStartException extends SandboxException {
  private static final long serialVersionUID = 1L;

  private final boolean portInUse;

  public ServerStartException(String message, boolean portInUse) {
    super(message);
    this.portInUse = portInUse;
  }

  /** Whether the server failed because its TCP port was taken by another process. */
  public boolean portInUse() {
    return portInUse;
  }
}
