package org.userman.server.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
  @Test
  void everyListedClassOfTheLibrariesIsInThisBuild() {
    List<String> names = AotTraining.listedClasses();
    assertThat(names)
        .anyMatch(n -> n.startsWith("org.postgresql."))
        .anyMatch(n -> n.startsWith("org.mariadb."));
    // The JDK's own classes differ between JDKs; the libraries' are pinned with the build.
    List<String> missing =
        names.stream().filter(n -> !jdk(n)).filter(n -> !AotTraining.load(n)).toList();
    assertThat(missing)
        .as("listed classes this build lacks: run server/aot-classes after upgrading a library")
        .isEmpty();
  }

  @Test
  void theTrainingRunLoadsTheListedClasses() {
    List<String> names = AotTraining.listedClasses();
    long libraries = names.stream().filter(n -> !jdk(n)).count();
    assertThat(AotTraining.loadServerDatabaseClasses()).isBetween((int) libraries, names.size());
  }

  private static boolean jdk(String name) {
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.");
  }
}
