package org.userman.password;

import java.util.Objects;
import org.userman.common.Text;

/** A password as typed, NFKC-normalized; it never prints itself. */
public final class Password {
  private final String value;

  private Password(String value) {
    this.value = value;
  }

  public static Password of(String typed) {
    return new Password(Text.nfkc(Objects.requireNonNull(typed, "typed")));
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
