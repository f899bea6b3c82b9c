package org.userman.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.userman.UsermanConfig;
import org.userman.account.AccountSettings;
import org.userman.account.RegistrationPolicy;
import org.userman.common.InvalidSettingException;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.KeySettings;
import org.userman.limit.Limit;
import org.userman.limit.LimitRule;
import org.userman.limit.LimitSettings;
import org.userman.mail.MailSettings;
import org.userman.mail.SmtpSettings;
import org.userman.mfa.PasskeySettings;
import org.userman.password.HashParameters;
import org.userman.password.LegacyHashSettings;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;
import org.userman.webhook.WebhookSettings;

/**
 * Reads settings from a YAML file and the environment (which wins) and maps them to the settings
 * records, which check themselves; a failure names the key and its environment name. Every setting
 * has a YAML key and an environment name: {@code http.port} is {@code USERMAN_HTTP_PORT}.
 */
public final class ConfigLoader {
  /** Every known key with its default (null: none); read-only. */
  private static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("http.host", "127.0.0.1");
    d.put("http.port", "8080");
    d.put("http.cors_origins", "");
    d.put("http.trusted_proxies", "");
    d.put("http.idle_timeout", "1m");
    d.put("http.request_read_timeout", "30s");
    d.put("http.max_connections", "4096");
    d.put("http.max_connections_per_address", "256");
    d.put("data_dir", "./data");
    d.put("database.url", null);
    d.put("database.user", null);
    d.put("database.password", null);
    d.put("database.pool_size", "10");
    d.put("database.timeout", "5s");
    d.put("database.migrate", "true");
    d.put("database.listen_for_changes", "true");
    d.put("registration", "verify");
    d.put("public_url", null);
    d.put("mail.from", "Userman <no-reply@localhost>");
    d.put("mail.templates", null);
    d.put("product_name", "Userman");
    d.put("smtp.host", null);
    d.put("smtp.port", "587");
    d.put("smtp.user", null);
    d.put("smtp.password", null);
    d.put("smtp.security", "starttls");
    d.put("smtp.timeout", "10s");
    d.put("log.format", "text");
    d.put("tokens.access_ttl", "15m");
    d.put("tokens.session_ttl", "30d");
    d.put("tokens.verification_ttl", "24h");
    d.put("tokens.reset_ttl", "1h");
    d.put("tokens.session_idle_timeout", "7d");
    d.put("mfa.step_up_window", "5m");
    d.put("tokens.audience", null);
    d.put("keys.encryption_key", null);
    d.put("keys.encryption_key_file", null);
    d.put("passwords.allow_weak_hashing", "false");
    d.put("passwords.min_length", "10");
    d.put("profile.public_attributes", null);
    d.put("accounts.email_reservation", "30d");
    d.put("audit.retention", "180d");
    d.put("webhooks.allow_private_targets", "false");
    d.put("webhooks.connect_timeout", "3s");
    d.put("webhooks.timeout", "10s");
    d.put("passkeys.rp_id", null);
    d.put("passkeys.origins", null);
    d.put("metrics.port", null);
    d.put("metrics.host", "127.0.0.1");
    d.put("metrics.token", null);
    d.put("tracing.otlp_endpoint", null);
    d.put("tracing.service_name", "userman");
    d.put("tracing.sample_ratio", "1.0");
    d.put("limits.enabled", "true");
    d.put("redis.url", null);
    d.put("redis.prefix", "userman:");
    for (LimitRule rule : LimitRule.values()) {
      d.put("limits." + rule.code(), formatLimit(rule.defaultLimit()));
    }
    d.put("passwords.argon2.memory_kib", String.valueOf(HashParameters.OWASP.memoryKib()));
    d.put("passwords.argon2.iterations", String.valueOf(HashParameters.OWASP.iterations()));
    d.put("passwords.argon2.parallelism", String.valueOf(HashParameters.OWASP.parallelism()));
    d.put("passwords.import.firebase.signer_key", null);
    d.put("passwords.import.firebase.salt_separator", null);
    d.put("passwords.import.firebase.rounds", "8");
    d.put("passwords.import.firebase.mem_cost", "14");
    d.put("passwords.import.salted_sha.layout", null);
    d.put("passwords.import.salted_sha.salt_encoding", "text");
    return java.util.Collections.unmodifiableMap(d);
  }

  private ConfigLoader() {}

  /**
   * The environment name of a key. {@code log.format} is also read as {@code USERMAN_LOG_FORMAT}.
   */
  public static String envName(String key) {
    return "USERMAN_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /**
   * Loads {@code file} (or {@code userman.yaml} in the working directory when {@code file} is null
   * and it exists), then the environment.
   */
  public static ServerConfig load(Path file, Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    Path yaml = file != null ? file : Path.of("userman.yaml");
    if (file != null && !Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    if (Files.isRegularFile(yaml)) {
      values.putAll(readYaml(yaml));
    }
    for (String key : DEFAULTS.keySet()) {
      String v = env.get(envName(key));
      if (v != null) {
        values.put(key, v);
      }
    }
    return build(values);
  }

  private static Map<String, String> readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    if (root != null && !root.isMissingNode() && !root.isNull()) {
      if (!root.isObject()) {
        throw new ConfigException("config file " + file + " must hold a mapping of settings");
      }
      flatten("", root, out);
    }
    for (String key : out.keySet()) {
      if (!DEFAULTS.containsKey(key)) {
        throw new ConfigException("unknown setting '" + key + "' in " + file);
      }
    }
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    node.properties()
        .forEach(
            e -> {
              String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
              if (e.getValue().isObject()) {
                flatten(key, e.getValue(), out);
              } else if (!e.getValue().isNull()) {
                out.put(key, e.getValue().asText());
              }
            });
  }

  /**
   * The settings from the merged values: this reads each value as its type (a number, a duration, a
   * list) and maps the keys to the settings records, which check the values themselves and name the
   * setting at fault; the message then gets the setting's environment name too.
   */
  private static ServerConfig build(Map<String, String> values) {
    Settings s = new Settings(values);
    try {
      String host = s.string("http.host");
      int port = s.parse("http.port", Integer::parseInt, "a port number 0..65535");
      Path dataDir = Path.of(s.string("data_dir"));
      String url = s.optional("database.url");
      Duration timeout = s.duration("database.timeout");
      DatabaseSettings db =
          url == null
              ? new DatabaseSettings(
                  "jdbc:sqlite:" + dataDir.resolve("userman.db").toAbsolutePath().normalize(),
                  null,
                  null,
                  4,
                  timeout,
                  Duration.ofSeconds(10),
                  s.bool("database.migrate"),
                  false)
              : new DatabaseSettings(
                  url,
                  s.optional("database.user"),
                  s.optional("database.password"),
                  s.whole("database.pool_size"),
                  timeout,
                  Duration.ofSeconds(10),
                  s.bool("database.migrate"),
                  s.bool("database.listen_for_changes"));
      RegistrationPolicy registration =
          RegistrationPolicy.parse(s.string("registration"))
              .orElseThrow(() -> s.invalid("registration", "one of open, verify, approve, closed"));
      String publicUrl = s.optional("public_url");
      if (publicUrl == null) {
        publicUrl =
            "http://"
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + (port == 0 ? 8080 : port);
      }
      ServerConfig.LogFormat format =
          switch (s.string("log.format").toLowerCase(Locale.ROOT)) {
            case "text" -> ServerConfig.LogFormat.TEXT;
            case "json" -> ServerConfig.LogFormat.JSON;
            default -> throw s.invalid("log.format", "text or json");
          };
      UsermanConfig core =
          new UsermanConfig(
              db,
              mail(s, dataDir),
              publicUrl,
              new AccountSettings(
                  registration,
                  s.duration("tokens.verification_ttl"),
                  s.duration("tokens.reset_ttl"),
                  s.whole("passwords.min_length"),
                  s.list("profile.public_attributes"),
                  s.duration("accounts.email_reservation")),
              new HashParameters(
                  s.whole("passwords.argon2.memory_kib"),
                  s.whole("passwords.argon2.iterations"),
                  s.whole("passwords.argon2.parallelism")),
              s.bool("passwords.allow_weak_hashing"),
              s.duration("tokens.access_ttl"),
              s.duration("tokens.session_ttl"),
              s.duration("tokens.session_idle_timeout"),
              s.optional("tokens.audience"),
              s.duration("audit.retention"),
              limits(s),
              keys(s, dataDir, db.url()),
              s.duration("mfa.step_up_window"),
              legacyHashes(s),
              new WebhookSettings(
                  s.bool("webhooks.allow_private_targets"),
                  s.duration("webhooks.connect_timeout"),
                  s.duration("webhooks.timeout")),
              new PasskeySettings(s.optional("passkeys.rp_id"), s.list("passkeys.origins")));
      TrustedProxies proxies;
      try {
        proxies = TrustedProxies.parse(s.list("http.trusted_proxies"));
      } catch (IllegalArgumentException e) {
        throw s.invalid(
            "http.trusted_proxies",
            "IP addresses or networks such as 10.0.0.0/8, separated by commas");
      }
      return new ServerConfig(
          host,
          port,
          dataDir,
          format,
          core,
          s.list("http.cors_origins"),
          proxies,
          s.duration("http.idle_timeout"),
          new ServerConfig.ConnectionLimits(
              s.duration("http.request_read_timeout"),
              s.whole("http.max_connections"),
              s.whole("http.max_connections_per_address")),
          new MetricsSettings(
              s.string("metrics.host"),
              s.optional("metrics.port") == null
                  ? null
                  : s.parse("metrics.port", Integer::parseInt, "a port number 0..65535"),
              s.optional("metrics.token")),
          new TracingSettings(
              s.optional("tracing.otlp_endpoint"),
              s.string("tracing.service_name"),
              s.parse("tracing.sample_ratio", Double::parseDouble, "a number from 0 to 1")));
    } catch (InvalidSettingException e) {
      // The records name the setting; the message adds where it comes from.
      throw new ConfigException(
          e.getMessage()
              .replaceFirst(
                  "^setting " + java.util.regex.Pattern.quote(e.setting()),
                  "setting " + e.setting() + " (" + envName(e.setting()) + ")"));
    }
  }

  /**
   * Firebase's scrypt parameters when a signer key is set (they apply only together), and the
   * salted SHA layout when one is set.
   */
  private static LegacyHashSettings legacyHashes(Settings s) {
    String key = s.optional("passwords.import.firebase.signer_key");
    String layout = s.optional("passwords.import.salted_sha.layout");
    return new LegacyHashSettings(
        key == null
            ? null
            : LegacyHashSettings.FirebaseScrypt.fromBase64(
                key,
                s.string("passwords.import.firebase.salt_separator"),
                s.whole("passwords.import.firebase.rounds"),
                s.whole("passwords.import.firebase.mem_cost")),
        layout == null
            ? null
            : LegacyHashSettings.SaltedSha.of(
                layout, s.string("passwords.import.salted_sha.salt_encoding")));
  }

  /** Typed reads of the merged values, each failing with the key's name. */
  private record Settings(Map<String, String> values) {
    String optional(String key) {
      String v = values.getOrDefault(key, DEFAULTS.get(key));
      return v == null || v.isBlank() ? null : v.strip();
    }

    String string(String key) {
      String v = optional(key);
      if (v == null) {
        throw new ConfigException("setting " + key + " (" + envName(key) + ") is required");
      }
      return v;
    }

    <T> T parse(String key, Function<String, T> parser, String expected) {
      try {
        return parser.apply(string(key));
      } catch (RuntimeException e) {
        throw invalid(key, expected);
      }
    }

    /** A comma-separated list; empty when unset. */
    List<String> list(String key) {
      String v = optional(key);
      return v == null
          ? List.of()
          : java.util.Arrays.stream(v.split(","))
              .map(String::strip)
              .filter(x -> !x.isEmpty())
              .toList();
    }

    boolean bool(String key) {
      return switch (string(key).toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw invalid(key, "true or false");
      };
    }

    int whole(String key) {
      return parse(key, Integer::parseInt, "a whole number");
    }

    Duration duration(String key) {
      return parse(key, ConfigLoader::parseDuration, "a duration such as 90s, 15m, 24h or 30d");
    }

    ConfigException invalid(String key, String expected) {
      return invalid(key, expected, true);
    }

    /** {@code showValue} false for secrets, whose value must not reach a log. */
    ConfigException invalid(String key, String expected, boolean showValue) {
      return new ConfigException(
          "setting "
              + key
              + " ("
              + envName(key)
              + ")"
              + (showValue
                  ? " is '" + values.getOrDefault(key, DEFAULTS.get(key)) + "', expected "
                  : " is not ")
              + expected);
    }
  }

  private static MailSettings mail(Settings s, Path dataDir) {
    String templates = s.optional("mail.templates");
    SmtpSettings smtp = null;
    String host = s.optional("smtp.host");
    if (host != null) {
      SmtpSettings.Security security =
          s.parse(
              "smtp.security",
              v -> SmtpSettings.Security.valueOf(v.toUpperCase(Locale.ROOT)),
              "starttls, tls or none");
      smtp =
          new SmtpSettings(
              host,
              s.parse("smtp.port", Integer::parseInt, "a port number 1..65535"),
              s.optional("smtp.user"),
              s.optional("smtp.password"),
              security,
              s.duration("smtp.timeout"));
    }
    return new MailSettings(
        s.string("mail.from"),
        s.string("product_name"),
        dataDir.resolve("outbox"),
        templates == null ? null : Path.of(templates),
        smtp);
  }

  /**
   * The key that seals the signing keys: given in a file or the environment, else, on SQLite, a
   * file the node makes beside the database file (so every command pointed at that database finds
   * the same key). A server database has nodes that must share one key, so there the operator gives
   * it; without one, whatever needs it says how.
   */
  private static KeySettings keys(Settings s, Path dataDir, String databaseUrl) {
    String key = s.optional("keys.encryption_key");
    String file = s.optional("keys.encryption_key_file");
    if (key != null && file != null) {
      throw new ConfigException(
          "settings keys.encryption_key ("
              + envName("keys.encryption_key")
              + ") and keys.encryption_key_file ("
              + envName("keys.encryption_key_file")
              + ") are both set; give the key once");
    }
    if (key != null) {
      return KeySettings.given(
          EncryptionKey.parse(key)
              .orElseThrow(
                  () ->
                      s.invalid(
                          "keys.encryption_key",
                          "a 256-bit key: 43 base64url characters, as `userman keys new-encryption-key` prints",
                          false)));
    }
    if (file != null) {
      try {
        return KeySettings.given(KeySettings.read(Path.of(file)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "setting keys.encryption_key_file ("
                + envName("keys.encryption_key_file")
                + "): "
                + e.getMessage());
      }
    }
    if (Dialect.of(databaseUrl) == Dialect.SQLITE) {
      return KeySettings.fileMadeIfMissing(
          sqliteFolder(databaseUrl).orElse(dataDir).resolve("encryption.key"));
    }
    return KeySettings.missing(
        "no encryption key for the signing keys: on PostgreSQL and MariaDB give every node the same key,"
            + " in a file named by keys.encryption_key_file ("
            + envName("keys.encryption_key_file")
            + ") or in "
            + envName("keys.encryption_key")
            + "; make one with `userman keys new-encryption-key`");
  }

  /** The folder of the file a SQLite URL names; empty for an in-memory database. */
  static Optional<Path> sqliteFolder(String url) {
    String path = url.substring("jdbc:sqlite:".length());
    int query = path.indexOf('?');
    if (query >= 0) {
      if (path.substring(query).contains("mode=memory")) {
        return Optional.empty();
      }
      path = path.substring(0, query);
    }
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    if (path.isEmpty() || path.equals(":memory:")) {
      return Optional.empty();
    }
    Path parent = Path.of(path).toAbsolutePath().normalize().getParent();
    return Optional.ofNullable(parent);
  }

  private static LimitSettings limits(Settings s) {
    Map<LimitRule, Limit> limits = new EnumMap<>(LimitRule.class);
    for (LimitRule rule : LimitRule.values()) {
      limits.put(
          rule,
          s.parse(
              "limits." + rule.code(),
              ConfigLoader::parseLimit,
              "a count per duration such as 10/15m"));
    }
    return new LimitSettings(
        s.bool("limits.enabled"), limits, s.optional("redis.url"), s.string("redis.prefix"));
  }

  static Limit parseLimit(String s) {
    int slash = s.indexOf('/');
    return new Limit(
        Long.parseLong(s.substring(0, slash).strip()), parseDuration(s.substring(slash + 1)));
  }

  static String formatLimit(Limit limit) {
    long seconds = limit.period().toSeconds();
    String period =
        seconds % 3600 == 0
            ? seconds / 3600 + "h"
            : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    return limit.capacity() + "/" + period;
  }

  static Duration parseDuration(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    long n = Long.parseLong(v.substring(0, v.length() - 1));
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("unit");
    };
  }
}
