package io.ferry.mysql.schema;

/** A DDL statement the schema history cannot understand. */
public class DdlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DdlException(String message) {
    super(message);
  }
}
