package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * During a rolling upgrade a node of the previous version reads tables that the new version's
 * migrations have just widened. PostgreSQL refuses to run a prepared {@code SELECT *} again once
 * its table has new columns ("cached plan must not change result type"), so every query names the
 * columns it reads.
 */
class NamedColumnsTest {
  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern ALL_COLUMNS =
      Pattern.compile(
          "(?i)\\bselect\\s+\\*|\\b[a-z_]+\\.\\*(?=\\s*(,|from\\b|$))|returning\\s+\\*");

  @Test
  void noQueryOfTheLibraryReadsAllColumnsOfATable() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          Matcher literal = STRING_LITERAL.matcher(lines.get(i));
          while (literal.find()) {
            if (ALL_COLUMNS.matcher(literal.group(1)).find()) {
              found.add(file + ":" + (i + 1) + ": " + literal.group(1));
            }
          }
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void thePatternFindsTheFormsItIsMeantToFind() {
    assertThat(ALL_COLUMNS.matcher("SELECT * FROM sessions").find()).isTrue();
    assertThat(ALL_COLUMNS.matcher("SELECT d.*, e.type FROM d").find()).isTrue();
    assertThat(ALL_COLUMNS.matcher("SELECT d.* FROM d").find()).isTrue();
    assertThat(ALL_COLUMNS.matcher("INSERT INTO t (a) VALUES (1) RETURNING *").find()).isTrue();
    assertThat(ALL_COLUMNS.matcher("SELECT COUNT(*) FROM users").find()).isFalse();
    assertThat(ALL_COLUMNS.matcher("SELECT id, name FROM users").find()).isFalse();
  }
}
