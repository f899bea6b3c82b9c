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
import java.util.TreeMap;
import java.util.function.Function;
import org.userman.common.InvalidSettingException;
import org.userman.UsermanConfig;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.KeySettings;
import org.userman.account.AccountSettings;
import org.userman.account.RegistrationPolicy;
import org.userman.limit.Limit;
import org.userman.limit.LimitRule;
import org.userman.limit.LimitSettings;
import org.userman.mail.MailSettings;
import org.userman.mail.SmtpSettings;
import org.userman.password.HashParameters;
import org.userman.store.DatabaseSettings;
import org.userman.Userman;

/**
 * Reads settings from a YAML file and the environment (which wins), validates each once, and
 * fails fast with a message naming the key. Every setting has a YAML key and an environment name:
 * {@code http.port} is {@code USERMAN_HTTP_PORT}.
 */
public final class ConfigLoader {
  /** Every known key with its default (null: none). */
  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("http.host", "127.0.0.1");
    DEFAULTS.put("http.port", "8080");
    DEFAULTS.put("http.cors_origins", "");
    DEFAULTS.put("http.trusted_proxies", "");
    DEFAULTS.put("http.idle_timeout", "1m");
    DEFAULTS.put("data_dir", "./data");
    DEFAULTS.put("database.url", null);
    DEFAULTS.put("database.user", null);
    DEFAULTS.put("database.password", null);
    DEFAULTS.put("database.pool_size", "10");
    DEFAULTS.put("database.timeout", "5s");
    DEFAULTS.put("database.migrate", "true");
    DEFAULTS.put("database.listen_for_changes", "true");
    DEFAULTS.put("registration", "verify");
    DEFAULTS.put("public_url", null);
    DEFAULTS.put("mail.from", "Userman <no-reply@localhost>");
    DEFAULTS.put("mail.templates", null);
    DEFAULTS.put("product_name", "Userman");
    DEFAULTS.put("smtp.host", null);
    DEFAULTS.put("smtp.port", "587");
    DEFAULTS.put("smtp.user", null);
    DEFAULTS.put("smtp.password", null);
    DEFAULTS.put("smtp.security", "starttls");
    DEFAULTS.put("smtp.timeout", "10s");
    DEFAULTS.put("log.format", "text");
    DEFAULTS.put("tokens.access_ttl", "15m");
    DEFAULTS.put("tokens.session_ttl", "30d");
    DEFAULTS.put("tokens.verification_ttl", "24h");
    DEFAULTS.put("tokens.reset_ttl", "1h");
    DEFAULTS.put("tokens.session_idle_timeout", "7d");
    DEFAULTS.put("tokens.audience", null);
    DEFAULTS.put("keys.encryption_key", null);
    DEFAULTS.put("keys.encryption_key_file", null);
    DEFAULTS.put("passwords.allow_weak_hashing", "false");
    DEFAULTS.put("passwords.min_length", "10");
    DEFAULTS.put("audit.retention", "180d");
    DEFAULTS.put("limits.enabled", "true");
    DEFAULTS.put("redis.url", null);
    DEFAULTS.put("redis.prefix", "userman:");
    for (LimitRule rule : LimitRule.values()) {
      DEFAULTS.put("limits." + rule.code(), formatLimit(rule.defaultLimit()));
    }
    DEFAULTS.put("passwords.argon2.memory_kib", String.valueOf(HashParameters.OWASP.memoryKib()));
    DEFAULTS.put("passwords.argon2.iterations", String.valueOf(HashParameters.OWASP.iterations()));
    DEFAULTS.put("passwords.argon2.parallelism", String.valueOf(HashParameters.OWASP.parallelism()));
  }

  private ConfigLoader() {}

  /** The environment name of a key. {@code log.format} is also read as {@code USERMAN_LOG_FORMAT}. */
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
    node.properties().forEach(e -> {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue().isObject()) {
        flatten(key, e.getValue(), out);
      } else if (!e.getValue().isNull()) {
        out.put(key, e.getValue().asText());
      }
    });
  }

  private static ServerConfig build(Map<String, String> values) {
    Settings s = new Settings(values);
    String host = s.string("http.host");
    int port = s.parse("http.port", Integer::parseInt, "a port number 0..65535");
    if (port < 0 || port > 65535) {
      throw new ConfigException("setting http.port (" + envName("http.port") + ") must be 0..65535");
    }
    Path dataDir = Path.of(s.string("data_dir"));
    String url = s.optional("database.url");
    Duration timeout = s.duration("database.timeout");
    boolean migrate = s.bool("database.migrate");
    boolean listen = s.bool("database.listen_for_changes");
    DatabaseSettings db =
        url == null
            ? new DatabaseSettings(
                "jdbc:sqlite:" + dataDir.resolve("userman.db").toAbsolutePath().normalize(), null, null, 4, timeout, Duration.ofSeconds(10), migrate, false)
            : new DatabaseSettings(
                url, s.optional("database.user"), s.optional("database.password"), s.positive("database.pool_size"), timeout, Duration.ofSeconds(10), migrate, listen);
    if (url != null) {
      try {
        org.userman.store.Dialect.of(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("setting database.url (" + envName("database.url") + "): " + e.getMessage());
      }
    }
    RegistrationPolicy registration =
        RegistrationPolicy.parse(s.string("registration"))
            .orElseThrow(() -> s.invalid("registration", "one of open, verify, approve, closed"));
    String publicUrl = s.optional("public_url");
    if (publicUrl == null) {
      publicUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + (port == 0 ? 8080 : port);
    } else if (!publicUrl.startsWith("http://") && !publicUrl.startsWith("https://")) {
      throw s.invalid("public_url", "an http:// or https:// URL");
    }
    ServerConfig.LogFormat format =
        switch (s.string("log.format").toLowerCase(Locale.ROOT)) {
          case "text" -> ServerConfig.LogFormat.TEXT;
          case "json" -> ServerConfig.LogFormat.JSON;
          default -> throw s.invalid("log.format", "text or json");
        };
    UsermanConfig core;
    try {
      AccountSettings accounts =
          new AccountSettings(
              registration, s.duration("tokens.verification_ttl"), s.duration("tokens.reset_ttl"), s.positive("passwords.min_length"));
      core =
          new UsermanConfig(
              db,
              mail(s, dataDir),
              publicUrl,
              accounts,
              new HashParameters(
                  s.positive("passwords.argon2.memory_kib"),
                  s.positive("passwords.argon2.iterations"),
                  s.positive("passwords.argon2.parallelism")),
              s.bool("passwords.allow_weak_hashing"),
              s.duration("tokens.access_ttl"),
              s.duration("tokens.session_ttl"),
              s.duration("tokens.session_idle_timeout"),
              s.optional("tokens.audience"),
              s.duration("audit.retention"),
              limits(s),
              keys(s, dataDir, url == null));
    } catch (InvalidSettingException e) {
      // The library names the setting; the message adds where it comes from.
      throw new ConfigException(e.getMessage().replaceFirst(
          "^setting " + java.util.regex.Pattern.quote(e.setting()), "setting " + e.setting() + " (" + envName(e.setting()) + ")"));
    }
    List<String> corsOrigins = s.list("http.cors_origins");
    for (String origin : corsOrigins) {
      if (!origin.matches("https?://[^/\\s]+")) {
        throw s.invalid("http.cors_origins", "origins such as https://app.example.org, separated by commas");
      }
    }
    TrustedProxies proxies;
    try {
      proxies = TrustedProxies.parse(s.list("http.trusted_proxies"));
    } catch (IllegalArgumentException e) {
      throw s.invalid("http.trusted_proxies", "IP addresses or networks such as 10.0.0.0/8, separated by commas");
    }
    return new ServerConfig(host, port, dataDir, format, core, corsOrigins, proxies, s.duration("http.idle_timeout"));
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
      return v == null ? List.of() : java.util.Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    boolean bool(String key) {
      return switch (string(key).toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw invalid(key, "true or false");
      };
    }

    int positive(String key) {
      int v = parse(key, Integer::parseInt, "a positive whole number");
      if (v <= 0) {
        throw invalid(key, "a positive whole number");
      }
      return v;
    }

    Duration duration(String key) {
      Duration d = parse(key, ConfigLoader::parseDuration, "a duration such as 90s, 15m, 24h or 30d");
      if (d.isNegative() || d.isZero()) {
        throw invalid(key, "a positive duration");
      }
      return d;
    }

    ConfigException invalid(String key, String expected) {
      return invalid(key, expected, true);
    }

    /** {@code showValue} false for secrets, whose value must not reach a log. */
    ConfigException invalid(String key, String expected, boolean showValue) {
      return new ConfigException("setting " + key + " (" + envName(key) + ")"
          + (showValue ? " is '" + values.getOrDefault(key, DEFAULTS.get(key)) + "', expected " : " is not ") + expected);
    }
  }

  private static MailSettings mail(Settings s, Path dataDir) {
    String from = s.string("mail.from");
    try {
      new jakarta.mail.internet.InternetAddress(from, true);
    } catch (jakarta.mail.internet.AddressException e) {
      throw s.invalid("mail.from", "an address such as Userman <no-reply@example.org>");
    }
    String templates = s.optional("mail.templates");
    if (templates != null && !Files.isDirectory(Path.of(templates))) {
      throw s.invalid("mail.templates", "a folder of mail templates");
    }
    SmtpSettings smtp = null;
    String host = s.optional("smtp.host");
    if (host != null) {
      int port = s.parse("smtp.port", Integer::parseInt, "a port number 1..65535");
      if (port < 1 || port > 65535) {
        throw s.invalid("smtp.port", "a port number 1..65535");
      }
      SmtpSettings.Security security = s.parse("smtp.security",
          v -> SmtpSettings.Security.valueOf(v.toUpperCase(Locale.ROOT)), "starttls, tls or none");
      smtp = new SmtpSettings(host, port, s.optional("smtp.user"), s.optional("smtp.password"), security, s.duration("smtp.timeout"));
    }
    return new MailSettings(from, s.string("product_name"), dataDir.resolve("outbox"), templates == null ? null : Path.of(templates), smtp);
  }

  /**
   * The key that seals the signing keys: given in a file or the environment, else, on the embedded
   * database, a file the node makes in the data folder. A server database has nodes that must share
   * one key, so there the operator gives it; without one, whatever needs it says how.
   */
  private static KeySettings keys(Settings s, Path dataDir, boolean embedded) {
    String key = s.optional("keys.encryption_key");
    String file = s.optional("keys.encryption_key_file");
    if (key != null && file != null) {
      throw new ConfigException("settings keys.encryption_key (" + envName("keys.encryption_key") + ") and keys.encryption_key_file ("
          + envName("keys.encryption_key_file") + ") are both set; give the key once");
    }
    if (key != null) {
      return KeySettings.given(EncryptionKey.parse(key).orElseThrow(() -> s.invalid("keys.encryption_key",
          "a 256-bit key: 43 base64url characters, as `userman keys new-encryption-key` prints", false)));
    }
    if (file != null) {
      try {
        return KeySettings.given(KeySettings.read(Path.of(file)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("setting keys.encryption_key_file (" + envName("keys.encryption_key_file") + "): " + e.getMessage());
      }
    }
    if (embedded) {
      return KeySettings.fileMadeIfMissing(dataDir.resolve("encryption.key"));
    }
    return KeySettings.missing("no encryption key for the signing keys: on PostgreSQL and MariaDB give every node the same key,"
        + " in a file named by keys.encryption_key_file (" + envName("keys.encryption_key_file") + ") or in "
        + envName("keys.encryption_key") + "; make one with `userman keys new-encryption-key`");
  }

  private static LimitSettings limits(Settings s) {
    Map<LimitRule, Limit> limits = new EnumMap<>(LimitRule.class);
    for (LimitRule rule : LimitRule.values()) {
      limits.put(rule, s.parse("limits." + rule.code(), ConfigLoader::parseLimit, "a count per duration such as 10/15m"));
    }
    String redis = s.optional("redis.url");
    if (redis != null && !redis.matches("rediss?://.+")) {
      throw s.invalid("redis.url", "a URL such as redis://127.0.0.1:6379/0");
    }
    return new LimitSettings(s.bool("limits.enabled"), limits, redis, s.string("redis.prefix"));
  }

  static Limit parseLimit(String s) {
    int slash = s.indexOf('/');
    return new Limit(Long.parseLong(s.substring(0, slash).strip()), parseDuration(s.substring(slash + 1)));
  }

  static String formatLimit(Limit limit) {
    long seconds = limit.period().toSeconds();
    String period = seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
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
