package org.userman;

import java.text.Normalizer;
import java.util.Locale;

/** The text rules shared by every user-supplied string. */
public final class Text {
  private Text() {}

  /** NFKC, so look-alike compositions of one character compare equal. */
  public static String nfkc(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC);
  }

  /**
   * The case-folded form used for uniqueness and prefix search: NFKC, then upper and back to lower
   * case, which folds what lower-casing alone keeps apart (ß and ss, ς and σ, ſ and s), then NFKC
   * again, as case mapping may undo it.
   */
  public static String fold(String s) {
    return nfkc(nfkc(s).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT));
  }

  public static boolean hasControlCharacters(String s) {
    return s.codePoints().anyMatch(Character::isISOControl);
  }

  /** The least string greater than every string that starts with {@code prefix}. */
  public static String prefixUpperBound(String prefix) {
    return prefix + Character.toString(Character.MAX_CODE_POINT);
  }
}
