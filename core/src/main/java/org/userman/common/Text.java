package org.userman.common;

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

  /**
   * Whether {@code s} holds half of a surrogate pair without the other half: text no encoding can
   * write, which UTF-8 would store as {@code ?}.
   */
  public static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** Text that may be shown and stored as it is: no control characters, no lone surrogates. */
  public static boolean isPrintable(String s) {
    return !hasControlCharacters(s) && !hasLoneSurrogate(s);
  }

  /** The length in characters (code points), as the databases count a column's length. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /** The least string greater than every string that starts with {@code prefix}. */
  public static String prefixUpperBound(String prefix) {
    return prefix + Character.toString(Character.MAX_CODE_POINT);
  }
}
