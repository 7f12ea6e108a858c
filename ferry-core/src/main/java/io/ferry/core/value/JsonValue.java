package io.ferry.core.value;

/**
 * A JSON document as text.
 *
 * @param json the document
 */
public record JsonValue(String json) {
  public JsonValue {
    if (json == null) {
      throw new IllegalArgumentException("a JSON value needs its text (use null for SQL NULL)");
    }
  }

  @Override
  public String toString() {
    return json;
  }
}
