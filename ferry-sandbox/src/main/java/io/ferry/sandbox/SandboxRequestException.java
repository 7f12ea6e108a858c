package io.ferry.sandbox;

/**
 * A sandbox request was refused before anything was done: a bad name, server count, port or option.
 * The command line was wrong, not the machine (the CLI exits with its usage status).
 */
public class SandboxRequestException extends SandboxException {
  private static final long serialVersionUID = 1L;

  public SandboxRequestException(String message) {
    super(message);
  }
}
