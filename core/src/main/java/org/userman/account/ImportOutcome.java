package org.userman.account;

import java.util.Locale;

/** What became of one imported record. */
public enum ImportOutcome {
  /** The user was created (or would be, in a dry run). */
  IMPORTED,
  /** An account with this email is there already: the record was imported before, or clashes. */
  SKIPPED,
  /** The record is unusable; nothing of it was written. */
  FAILED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
