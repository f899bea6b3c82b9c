package org.userman.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The verifier runs without the web frameworks (they are optional dependencies), and each filter
 * needs only its own framework.
 */
class DependenciesTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.userman.client");

  @Test
  void the_verifier_needs_neither_servlet_nor_helidon() {
    noClasses()
        .that()
        .resideInAPackage("org.userman.client")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.servlet..", "io.helidon..", "org.userman.client.*..")
        .check(CLASSES);
  }

  @Test
  void each_filter_needs_only_its_own_framework() {
    noClasses()
        .that()
        .resideInAPackage("org.userman.client.servlet..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.helidon..", "org.userman.client.helidon..")
        .check(CLASSES);
    noClasses()
        .that()
        .resideInAPackage("org.userman.client.helidon..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.servlet..", "org.userman.client.servlet..")
        .check(CLASSES);
  }
}
