package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.account.RegistrationPolicy;
import org.userman.server.config.ConfigException;
import org.userman.server.config.ConfigLoader;
import org.userman.server.config.ServerConfig;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaults_are_the_documented_ones() {
    ServerConfig c = ConfigLoader.load(null, Map.of("USERMAN_DATA_DIR", dir.toString()));
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.core().accounts().registration()).isEqualTo(RegistrationPolicy.VERIFY);
    assertThat(c.core().database().url())
        .isEqualTo("jdbc:sqlite:" + dir.resolve("userman.db").toAbsolutePath());
    assertThat(c.core().mail().outbox()).isEqualTo(dir.resolve("outbox"));
    assertThat(c.core().publicUrl()).isEqualTo("http://127.0.0.1:8080");
    assertThat(c.core().accessTokenTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.core().accounts().emailReservation()).isEqualTo(Duration.ofDays(30));
    assertThat(c.metrics().enabled()).as("metrics are off by default").isFalse();
  }

  @Test
  void metrics_settings_are_read_and_checked_without_showing_the_token() {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of(
                "USERMAN_DATA_DIR",
                dir.toString(),
                "USERMAN_METRICS_PORT",
                "9464",
                "USERMAN_METRICS_TOKEN",
                "a-long-enough-metrics-token"));
    assertThat(c.metrics().enabled()).isTrue();
    assertThat(c.metrics().port()).isEqualTo(9464);
    assertThat(c.metrics().host()).isEqualTo("127.0.0.1");
    assertThat(c.metrics().token()).isEqualTo("a-long-enough-metrics-token");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () ->
                        ConfigLoader.load(
                            null,
                            Map.of("USERMAN_METRICS_PORT", "8080", "USERMAN_HTTP_PORT", "8080")))
                .getMessage())
        .contains("metrics.port", "USERMAN_METRICS_PORT", "http.port");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("USERMAN_METRICS_PORT", "nine")))
                .getMessage())
        .contains("metrics.port");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () ->
                        ConfigLoader.load(
                            null,
                            Map.of(
                                "USERMAN_METRICS_PORT",
                                "9464",
                                "USERMAN_METRICS_TOKEN",
                                "short secret")))
                .getMessage())
        .contains("metrics.token", "USERMAN_METRICS_TOKEN")
        .doesNotContain("short secret");
  }

  @Test
  void yaml_file_is_read_and_environment_wins() throws Exception {
    Path yaml = dir.resolve("userman.yaml");
    Files.writeString(
        yaml,
        """
        http:
          port: 9000
          host: 0.0.0.0
        registration: approve
        tokens:
          access_ttl: 5m
        database:
          url: jdbc:postgresql://db/userman
          user: userman
        """);
    ServerConfig c =
        ConfigLoader.load(
            yaml, Map.of("USERMAN_HTTP_PORT", "9100", "USERMAN_DATABASE_PASSWORD", "secret"));
    assertThat(c.port()).isEqualTo(9100);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.core().accounts().registration()).isEqualTo(RegistrationPolicy.APPROVE);
    assertThat(c.core().accessTokenTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.core().database().url()).isEqualTo("jdbc:postgresql://db/userman");
    assertThat(c.core().database().user()).isEqualTo("userman");
    assertThat(c.core().database().password()).isEqualTo("secret");
    assertThat(c.core().database().toString()).doesNotContain("secret");
  }

  @Test
  void invalid_values_fail_naming_the_key() {
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("USERMAN_HTTP_PORT", "eighty")))
                .getMessage())
        .contains("http.port", "USERMAN_HTTP_PORT");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("USERMAN_REGISTRATION", "sometimes")))
                .getMessage())
        .contains("registration");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("USERMAN_PASSWORDS_MIN_LENGTH", "6")))
                .getMessage())
        .contains("passwords.min_length");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(null, Map.of("USERMAN_TOKENS_ACCESS_TTL", "soon")))
                .getMessage())
        .contains("tokens.access_ttl");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () ->
                        ConfigLoader.load(
                            null, Map.of("USERMAN_ACCOUNTS_EMAIL_RESERVATION", "-1d")))
                .getMessage())
        .contains("accounts.email_reservation");
    assertThat(
            ConfigLoader.load(
                    null,
                    Map.of(
                        "USERMAN_DATA_DIR",
                        dir.toString(),
                        "USERMAN_ACCOUNTS_EMAIL_RESERVATION",
                        "0s"))
                .core()
                .accounts()
                .emailReservation())
        .isZero();
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () ->
                        ConfigLoader.load(
                            null, Map.of("USERMAN_DATABASE_URL", "jdbc:oracle:thin:x")))
                .getMessage())
        .contains("database.url");
    assertThat(
            assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .getMessage())
        .contains("missing.yaml");
  }

  @Test
  void unknown_keys_in_the_file_are_refused() throws Exception {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "http:\n  prot: 9000\n");
    assertThat(
            assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml, Map.of()))
                .getMessage())
        .contains("http.prot");
  }

  @Test
  void on_sqlite_the_encryption_key_file_lies_beside_the_database_file() {
    Path elsewhere = dir.resolve("elsewhere");
    ServerConfig defaults = ConfigLoader.load(null, Map.of("USERMAN_DATA_DIR", dir.toString()));
    assertThat(defaults.core().keys().file())
        .isEqualTo(dir.toAbsolutePath().resolve("encryption.key"));
    ServerConfig named =
        ConfigLoader.load(
            null,
            Map.of(
                "USERMAN_DATA_DIR",
                dir.toString(),
                "USERMAN_DATABASE_URL",
                "jdbc:sqlite:" + elsewhere.resolve("accounts.db") + "?journal_mode=WAL"));
    assertThat(named.core().keys().file())
        .isEqualTo(elsewhere.toAbsolutePath().resolve("encryption.key"));
    ServerConfig memory =
        ConfigLoader.load(
            null,
            Map.of(
                "USERMAN_DATA_DIR",
                dir.toString(),
                "USERMAN_DATABASE_URL",
                "jdbc:sqlite::memory:"));
    assertThat(memory.core().keys().file()).isEqualTo(dir.resolve("encryption.key"));
    ServerConfig server =
        ConfigLoader.load(
            null,
            Map.of(
                "USERMAN_DATA_DIR",
                dir.toString(),
                "USERMAN_DATABASE_URL",
                "jdbc:postgresql://127.0.0.1/test"));
    assertThat(server.core().keys().file()).as("server databases are given their key").isNull();
    assertThat(server.core().keys().missingAdvice()).contains("userman keys new-encryption-key");
  }
}
