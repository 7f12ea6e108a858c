package io.ferry.core.event;

/** What a row change does. Codes are stable in the THL encoding. */
public enum Action {
  INSERT(1),
  UPDATE(2),
  DELETE(3);

  private final int code;

  Action(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static Action ofCode(int code) {
    for (Action a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown row action code " + code);
  }
}
