package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HelpTest {
  @Test
  void topLevelHelpListsCommandsEnvironmentAndExitCodes() {
    CliRunner.Result r = CliRunner.run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage: ferry")
        .contains("sandbox")
        .contains("FERRY_SANDBOX_HOME")
        .contains("Exit status");
  }

  @Test
  void noCommandPrintsUsage() {
    CliRunner.Result r = CliRunner.run();
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage: ferry");
  }

  @Test
  void sandboxHelpListsEverySubcommand() {
    CliRunner.Result r = CliRunner.run("sandbox", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("create", "list", "show", "start", "stop", "destroy", "env", "sql")
        .contains("Examples:");
    assertThat(CliRunner.run("sandbox", "help", "create").out())
        .contains("--base-port", "--flavor", "--binaries", "--option");
  }

  @Test
  void everyHelpLineFitsA100ColumnTerminal() {
    for (String[] args :
        new String[][] {{"--help"}, {"sandbox", "--help"}, {"sandbox", "env", "--help"}}) {
      assertThat(CliRunner.run(args).out().lines())
          .allSatisfy(l -> assertThat(l).hasSizeLessThan(100));
    }
  }

  @Test
  void versionNamesTheBuild() {
    CliRunner.Result r = CliRunner.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("ferry ").contains("Java");
  }

  @Test
  void typosAreUsageErrorsWithASuggestion() {
    CliRunner.Result r = CliRunner.run("sandbox", "creat");
    assertThat(r.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(r.err()).contains("Unmatched argument").contains("create");
    CliRunner.Result missing = CliRunner.run("sandbox", "create");
    assertThat(missing.code()).isEqualTo(Cli.EXIT_USAGE);
    assertThat(missing.err()).contains("Missing required option: '--name=NAME'");
  }
}
