package org.userman.account;

import java.util.List;

/**
 * What an import did.
 *
 * @param problems the first {@link #MAX_PROBLEMS} records skipped or failed, with their lines
 */
public record ImportSummary(
    long imported, long skipped, long failed, boolean dryRun, List<Problem> problems) {
  /** The most problems a summary lists; the counts cover all. */
  public static final int MAX_PROBLEMS = 1000;

  public ImportSummary {
    problems = List.copyOf(problems);
  }

  /** A record that was skipped or failed, and why. */
  public record Problem(long line, ImportOutcome outcome, String reason) {}
}
