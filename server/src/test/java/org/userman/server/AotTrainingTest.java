package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
  @Test
  void everyListedClassOfTheLibrariesIsInThisBuild() throws IOException {
    List<String> names = listed();
    assertThat(names).anyMatch(n -> n.startsWith("org.postgresql.")).anyMatch(n -> n.startsWith("org.mariadb."));
    // The JDK's own classes differ between JDKs; the libraries' are pinned with the build.
    List<String> missing = names.stream().filter(n -> !jdk(n)).filter(n -> !loads(n)).toList();
    assertThat(missing).as("listed classes this build lacks: run server/aot-classes after upgrading a library").isEmpty();
  }

  @Test
  void theTrainingRunLoadsTheListedClasses() throws IOException {
    List<String> names = listed();
    long libraries = names.stream().filter(n -> !jdk(n)).count();
    assertThat(AotTraining.loadServerDatabaseClasses()).isBetween((int) libraries, names.size());
  }

  private static List<String> listed() throws IOException {
    try (InputStream in = AotTraining.class.getResourceAsStream(AotTraining.CLASS_LIST)) {
      assertThat(in).as(AotTraining.CLASS_LIST).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
  }

  private static boolean jdk(String name) {
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
  }

  private static boolean loads(String name) {
    try {
      Class.forName(name, false, AotTrainingTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
