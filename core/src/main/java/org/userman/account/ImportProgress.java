package org.userman.account;

/** Told of each record as an import settles it, in the file's order. */
@FunctionalInterface
public interface ImportProgress {
  ImportProgress NONE = (line, outcome, reason) -> {};

  /**
   * One record is settled.
   *
   * @param line the line of the file the record starts on (1 is the first)
   * @param reason why it was skipped or failed; null when imported
   */
  void settled(long line, ImportOutcome outcome, String reason);
}
