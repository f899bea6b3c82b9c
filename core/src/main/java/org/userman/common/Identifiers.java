package org.userman.common;

/** The shape of the ids Userman makes (UUIDv7, lower-case), to refuse bad input before a lookup. */
public final class Identifiers {
  private Identifiers() {}

  /** Whether {@code s} has the shape of an id Userman makes. */
  public static boolean looksLikeId(String s) {
    return s != null
        && s.length() == 36
        && s.chars().allMatch(c -> c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
}
