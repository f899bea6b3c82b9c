package org.userman.password;

import org.userman.common.InvalidSettingException;

/**
 * Argon2id cost. The defaults are OWASP's first recommendation (19 MiB, 2 passes, 1 lane), hashed
 * by libsodium; more than one lane is hashed by libargon2, which is slower per lane (bench/argon2
 * measures both).
 */
public record HashParameters(int memoryKib, int iterations, int parallelism) {
  public static final HashParameters OWASP = new HashParameters(19_456, 2, 1);

  /**
   * OWASP's Password Storage Cheat Sheet lists five equivalent minimums, one lane each: 46 MiB with
   * 1 pass, 19 MiB with 2, 12 MiB with 3, 9 MiB with 4, 7 MiB with 5. Index: passes - 1.
   */
  private static final int[] OWASP_MIN_MEMORY_KIB = {47_104, 19_456, 12_288, 9_216, 7_168};

  public HashParameters {
    if (iterations < 1) {
      throw new InvalidSettingException("passwords.argon2.iterations", "must be at least 1");
    }
    if (parallelism < 1 || parallelism > 255) {
      throw new InvalidSettingException("passwords.argon2.parallelism", "must be 1 to 255");
    }
    if (memoryKib < 8 * parallelism) {
      throw new InvalidSettingException(
          "passwords.argon2.memory_kib", "must be at least 8 KiB per lane");
    }
  }

  /**
   * Whether these costs fall short of every OWASP minimum: less memory than the minimum for their
   * number of passes (more passes than five count as five). More lanes do not make up for memory.
   */
  public boolean belowOwaspMinimum() {
    return memoryKib < OWASP_MIN_MEMORY_KIB[Math.min(iterations, OWASP_MIN_MEMORY_KIB.length) - 1];
  }
}
