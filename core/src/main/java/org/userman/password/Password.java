package org.userman.password;

import java.util.Objects;
import org.userman.common.Text;

/** A password as typed, NFKC-normalized; it never prints itself. */
public final class Password {
  private final String value;
  private final String typed;

  private Password(String value, String typed) {
    this.value = value;
    this.typed = typed;
  }

  public static Password of(String typed) {
    Objects.requireNonNull(typed, "typed");
    return new Password(Text.nfkc(typed), typed);
  }

  /**
   * The text as typed, not normalized: what other systems hashed, for checking a hash imported from
   * one.
   */
  public String revealAsTyped() {
    return typed;
  }

  /** The normalized text, for the hasher and the policy: the caller who made it has it already. */
  public String reveal() {
    return value;
  }

  public int length() {
    return value.codePointCount(0, value.length());
  }

  @Override
  public String toString() {
    return "Password[****]";
  }
}
