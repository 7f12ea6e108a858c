package io.ferry.mysql.schema;

/** The schema history cannot go on: it says why, where, and what to do. */
public class SchemaHistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SchemaHistoryException(String message) {
    super(message);
  }
}
