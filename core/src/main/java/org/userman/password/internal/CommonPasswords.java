package org.userman.password.internal;

import com.nulabinc.zxcvbn.StandardDictionaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The blocklist of NIST SP 800-63B: the 30,000 most common passwords of the breach corpora that
 * zxcvbn ships, a common one with digits or symbols appended, and one character repeated or a run
 * such as 1234567890 or abcdefghij. Compared in lower case. The list is read at the first check,
 * not at start-up, where it would slow every server and every command.
 */
final class CommonPasswords {
  private static final Pattern TRAILING = Pattern.compile("[0-9\\p{Punct}]+$");
  private static final int MIN_STEM = 4;

  /**
   * The list, loaded once per JVM when first asked for (the class holder idiom); it never changes.
   */
  private static final class Loaded {
    static final Set<String> COMMON = load();

    private static Set<String> load() {
      try {
        return Set.copyOf(
            new HashSet<>(StandardDictionaries.PASSWORDS_LOADER.load().getFrequencies()));
      } catch (IOException e) {
        throw new UncheckedIOException("zxcvbn's password list is missing from the class path", e);
      }
    }
  }

  boolean contains(String password) {
    Set<String> common = Loaded.COMMON;
    String p = password.toLowerCase(Locale.ROOT);
    if (common.contains(p) || isRunOrRepeat(p)) {
      return true;
    }
    String stem = TRAILING.matcher(p).replaceFirst("");
    return stem.length() >= MIN_STEM && stem.length() < p.length() && common.contains(stem);
  }

  /** One character repeated, or each character one code point above (or below) the one before. */
  private static boolean isRunOrRepeat(String p) {
    int[] cps = p.codePoints().toArray();
    if (cps.length < 2) {
      return true;
    }
    int step = cps[1] - cps[0];
    if (step < -1 || step > 1) {
      return false;
    }
    for (int i = 2; i < cps.length; i++) {
      if (cps[i] - cps[i - 1] != step) {
        return false;
      }
    }
    return true;
  }
}
