package org.userman.mfa;

import java.util.List;

/** A new set of single-use recovery codes, shown this once; the earlier set no longer works. */
public record RecoveryCodes(List<String> codes) {
  public RecoveryCodes {
    codes = List.copyOf(codes);
  }

  @Override
  public String toString() {
    return "RecoveryCodes[" + codes.size() + " codes, ****]";
  }
}
