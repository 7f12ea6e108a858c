package io.ferry.sandbox;

/**
 * A database login that a sandbox creates. {@code toString} masks the password so that an account
 * never leaks into a log line.
 */
public record Account(String user, String password) {
  @Override
  public String toString() {
    return user + ":****";
  }
}
