package org.userman.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers, checked on the compiled classes of the library and the server (tests left out):
 *
 * <ul>
 *   <li>no package depends on a package that depends back on it, however far round;
 *   <li>the library's API is every package but those named {@code internal}: the API never reaches
 *       into them, and neither does the server, which uses the library as any embedder would;
 *   <li>a feature's store (its SQL) is used by that feature's package alone: another feature asks
 *       the feature, never its tables' class;
 *   <li>the library knows nothing of the server.
 * </ul>
 *
 * {@code org.userman.Userman}, the composition root, is the one class that wires internals of every
 * feature; nothing in the library depends on it.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.userman");
  }

  @Test
  void packages_have_no_cycles() {
    slices().matching("org.userman.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void the_server_uses_the_library_through_its_api_only() {
    noClasses()
        .that()
        .resideInAPackage("org.userman.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.userman..internal..")
        .check(classes);
  }

  @Test
  void the_api_never_reaches_into_internals() {
    noClasses()
        .that(api())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.userman..internal..")
        .check(classes);
  }

  @Test
  void nothing_in_the_library_depends_on_the_composition_root_or_the_server() {
    noClasses()
        .that()
        .resideInAPackage("org.userman..")
        .and()
        .resideOutsideOfPackages("org.userman", "org.userman.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.userman", "org.userman.server..")
        .check(classes);
  }

  @Test
  void a_features_store_is_used_by_its_own_package_only() {
    noClasses().should(useAStoreOfAnotherPackage()).check(classes);
  }

  /**
   * The library's API: every class of the library outside the {@code internal} packages and the
   * root.
   */
  private static DescribedPredicate<JavaClass> api() {
    return DescribedPredicate.describe(
        "are the library's API",
        c ->
            c.getPackageName().startsWith("org.userman.")
                && !c.getPackageName().startsWith("org.userman.server")
                && !c.getPackageName().contains(".internal"));
  }

  private static ArchCondition<JavaClass> useAStoreOfAnotherPackage() {
    return new ArchCondition<>(
        "use a store class (*Store) of another package, but from the composition root") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        if (c.getPackageName().equals("org.userman")) {
          return;
        }
        c.getDirectDependenciesFromSelf()
            .forEach(
                d -> {
                  JavaClass target = d.getTargetClass();
                  if (target.getPackageName().startsWith("org.userman")
                      && target.getSimpleName().endsWith("Store")
                      && !target.getPackageName().equals(c.getPackageName())) {
                    events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                  }
                });
      }
    };
  }
}
