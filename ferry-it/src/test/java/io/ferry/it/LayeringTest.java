package io.ferry.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph keeps the core away from drivers at build time (the enforcer rule in
 * ferry-core's pom); these rules check the same layering on the compiled classes of every module,
 * so that a stray import is caught even where Maven's classpath would allow it.
 */
class LayeringTest {
  private static JavaClasses ferry;

  @BeforeAll
  static void importClasses() {
    ferry =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ferry");
  }

  private static final String[] DRIVERS = {
    "org.mariadb..",
    "org.postgresql..",
    "com.mysql..",
    "io.debezium..",
    "com.github.shyiko..",
    "java.sql.."
  };

  @Test
  void coreUsesNoDriverAndNoOuterLayer() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.ferry.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(DRIVERS)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "io.ferry.sandbox..",
                "io.ferry.testkit..",
                "io.ferry.cli..",
                "io.ferry.server..",
                "io.ferry.mysql..",
                "io.ferry.filters..",
                "io.ferry.scripting..");
    rule.check(ferry);
  }

  @Test
  void sandboxKnowsNothingOfTheReplicator() {
    noClasses()
        .that()
        .resideInAPackage("io.ferry.sandbox..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.ferry.core..",
            "io.ferry.cli..",
            "io.ferry.server..",
            "io.ferry.mysql..",
            "io.ferry.testkit..")
        .check(ferry);
  }

  @Test
  void extractorsKnowNothingOfTheProcessAroundThem() {
    noClasses()
        .that()
        .resideInAPackage("io.ferry.mysql..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.ferry.cli..", "io.ferry.server..", "io.ferry.sandbox..", "io.ferry.testkit..")
        .check(ferry);
  }

  @Test
  void onlyTheTestkitUsesJunit() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.ferry.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.junit..")
        .check(ferry);
  }

  @Test
  void onlyTheScriptingModuleKnowsTheScriptEngines() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.ferry.scripting..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.mozilla..", "org.luaj..", "org.graalvm..")
        .check(ferry);
  }

  @Test
  void theServerFindsFilterTypesThroughTheRegistry() {
    // a filter type is a plug-in: the process around it never names one
    noClasses()
        .that()
        .resideInAnyPackage("io.ferry.server..", "io.ferry.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.ferry.filters..", "io.ferry.scripting..")
        .check(ferry);
  }

  @Test
  void theServerFindsTargetTypesThroughTheRegistry() {
    // a target type is a plug-in (target.type): the replicator names none; the CLI's tools that
    // show MariaDB SQL (thl list --sql) may use the MariaDB statement writer
    noClasses()
        .that()
        .resideInAnyPackage("io.ferry.server..", "io.ferry.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.ferry.mysql.target..",
            "io.ferry.postgresql..",
            "io.ferry.warehouse..",
            "io.ferry.kafka..",
            "io.ferry.mongodb..")
        .check(ferry);
    noClasses()
        .that()
        .resideInAPackage("io.ferry.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.ferry.mysql.apply..")
        .check(ferry);
  }
}
