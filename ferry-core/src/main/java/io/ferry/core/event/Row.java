package io.ferry.core.event;

import io.ferry.core.value.Values;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One changed row: its before image (update, delete) and after image (insert, update), each an
 * array aligned with the change's columns. A column the image does not carry (see {@link
 * RowChanges#beforeColumns()}) holds null there; NULL and absent are told apart by the mask.
 * Immutable: arrays are copied in, and handed out read-only.
 */
public final class Row {
  private final Object[] before;
  private final Object[] after;

  private Row(Object[] before, Object[] after) {
    this.before = before;
    this.after = after;
  }

  /** A row from images the caller keeps (they are copied). Either image may be null. */
  public static Row of(Object[] before, Object[] after) {
    return new Row(before == null ? null : before.clone(), after == null ? null : after.clone());
  }

  /** A row from images the caller hands over and never touches again (decoders, extractors). */
  public static Row owning(Object[] before, Object[] after) {
    return new Row(before, after);
  }

  public static Row insert(Object... after) {
    return of(null, after);
  }

  public static Row delete(Object... before) {
    return of(before, null);
  }

  public boolean hasBefore() {
    return before != null;
  }

  public boolean hasAfter() {
    return after != null;
  }

  public Object before(int column) {
    return before[column];
  }

  public Object after(int column) {
    return after[column];
  }

  /** The before image, read-only, or an empty list if there is none. */
  public List<Object> beforeImage() {
    return before == null ? List.of() : Collections.unmodifiableList(Arrays.asList(before));
  }

  /** The after image, read-only, or an empty list if there is none. */
  public List<Object> afterImage() {
    return after == null ? List.of() : Collections.unmodifiableList(Arrays.asList(after));
  }

  int width() {
    return before != null ? before.length : after != null ? after.length : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && imagesEqual(before, r.before) && imagesEqual(after, r.after);
  }

  private static boolean imagesEqual(Object[] a, Object[] b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (!Values.equal(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (Object[] image : new Object[][] {before, after}) {
      if (image != null) {
        for (Object v : image) {
          h = 31 * h + Values.hash(v);
        }
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return "Row[before=" + beforeImage() + ", after=" + afterImage() + "]";
  }
}
