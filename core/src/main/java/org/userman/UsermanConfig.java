package org.userman;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.userman.account.AccountSettings;
import org.userman.account.RegistrationPolicy;
import org.userman.common.InvalidSettingException;
import org.userman.common.Text;
import org.userman.crypto.KeySettings;
import org.userman.limit.LimitSettings;
import org.userman.mail.MailSettings;
import org.userman.mfa.PasskeySettings;
import org.userman.password.HashParameters;
import org.userman.password.LegacyHashSettings;
import org.userman.store.DatabaseSettings;
import org.userman.webhook.WebhookSettings;

/**
 * Everything the library needs. It checks what it can on its own when it is made, and fails with an
 * {@link InvalidSettingException} naming the setting.
 *
 * @param publicUrl the base of links in mails, and the {@code iss} of access tokens
 * @param sessionIdleTimeout a session unused this long ends, before its lifetime is up
 * @param audience the {@code aud} of access tokens, which they must then carry; null for none
 * @param allowWeakHashing allows Argon2 memory below 8 MiB (tests and benchmarks only)
 * @param auditRetention how long audit events are kept
 * @param limits the rate limits
 * @param keys where the key that seals the signing keys comes from
 * @param stepUpWindow how recent a proof of identity sensitive actions of an account with a second
 *     factor need (a sign-in, or a re-authentication)
 * @param legacyHashes what checking imported hashes needs beyond the hashes themselves
 * @param webhooks how webhooks reach out
 * @param passkeys the relying party of passkeys (its id and origins), from the public URL unless
 *     set
 */
public record UsermanConfig(
    DatabaseSettings database,
    MailSettings mail,
    String publicUrl,
    AccountSettings accounts,
    HashParameters hashing,
    boolean allowWeakHashing,
    Duration accessTokenTtl,
    Duration sessionTtl,
    Duration sessionIdleTimeout,
    String audience,
    Duration auditRetention,
    LimitSettings limits,
    KeySettings keys,
    Duration stepUpWindow,
    LegacyHashSettings legacyHashes,
    WebhookSettings webhooks,
    PasskeySettings passkeys) {

  /** The least idle timeout: page sessions note their use every few minutes, not at each page. */
  public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(10);

  /** The least Argon2 memory the library runs with unless told to allow weak hashing. */
  public static final int MIN_MEMORY_KIB = 8 * 1024;

  public UsermanConfig {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(mail, "mail");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(hashing, "hashing");
    Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
    Objects.requireNonNull(sessionTtl, "sessionTtl");
    Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    Objects.requireNonNull(auditRetention, "auditRetention");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(stepUpWindow, "stepUpWindow");
    Objects.requireNonNull(legacyHashes, "legacyHashes");
    Objects.requireNonNull(webhooks, "webhooks");
    Objects.requireNonNull(passkeys, "passkeys");
    if (!publicUrl.matches("https?://[^/\\s]+(/\\S*)?")) {
      throw new InvalidSettingException("public_url", "must be an http:// or https:// URL");
    }
    passkeys.resolve(publicUrl);
    positive(accessTokenTtl, "tokens.access_ttl");
    positive(sessionTtl, "tokens.session_ttl");
    positive(auditRetention, "audit.retention");
    positive(stepUpWindow, "mfa.step_up_window");
    if (hashing.memoryKib() < MIN_MEMORY_KIB && !allowWeakHashing) {
      throw new InvalidSettingException(
          "passwords.argon2.memory_kib",
          "is "
              + hashing.memoryKib()
              + " KiB, below the least of "
              + MIN_MEMORY_KIB
              + " KiB; raise it (OWASP: 19456 with 2 iterations), or set passwords.allow_weak_hashing for tests and benchmarks");
    }
    if (sessionIdleTimeout.compareTo(accessTokenTtl) < 0
        || sessionIdleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
      throw new InvalidSettingException(
          "tokens.session_idle_timeout",
          "must be at least the access-token lifetime (tokens.access_ttl) and at least "
              + MIN_IDLE_TIMEOUT.toMinutes()
              + " minutes");
    }
    if (audience != null
        && (audience.isBlank() || audience.length() > 200 || Text.hasControlCharacters(audience))) {
      throw new InvalidSettingException(
          "tokens.audience", "must be a name or URI of at most 200 printable characters");
    }
  }

  private static void positive(Duration d, String setting) {
    if (d.isNegative() || d.isZero()) {
      throw new InvalidSettingException(setting, "must be a positive duration");
    }
  }

  /** The defaults for an embedded database in {@code dataDir}. */
  public static UsermanConfig embedded(Path dataDir, String publicUrl) {
    return new UsermanConfig(
        DatabaseSettings.sqlite(dataDir.resolve("userman.db")),
        MailSettings.outbox(dataDir.resolve("outbox")),
        publicUrl,
        AccountSettings.defaults(),
        HashParameters.OWASP,
        false,
        Duration.ofMinutes(15),
        Duration.ofDays(30),
        Duration.ofDays(7),
        null,
        Duration.ofDays(180),
        LimitSettings.defaults(),
        KeySettings.fileMadeIfMissing(dataDir.resolve("encryption.key")),
        Duration.ofMinutes(5),
        LegacyHashSettings.NONE,
        WebhookSettings.defaults(),
        PasskeySettings.FROM_PUBLIC_URL);
  }

  /**
   * A builder that starts from these settings, to change a few (the record checks them at {@link
   * Builder#build}).
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes some settings of a configuration and checks the result once, at {@link #build}: for
   * programs that embed the library, which start from {@link #embedded} and change what they need.
   */
  public static final class Builder {
    private DatabaseSettings database;
    private MailSettings mail;
    private String publicUrl;
    private AccountSettings accounts;
    private HashParameters hashing;
    private boolean allowWeakHashing;
    private Duration accessTokenTtl;
    private Duration sessionTtl;
    private Duration sessionIdleTimeout;
    private String audience;
    private Duration auditRetention;
    private LimitSettings limits;
    private KeySettings keys;
    private Duration stepUpWindow;
    private LegacyHashSettings legacyHashes;
    private WebhookSettings webhooks;
    private PasskeySettings passkeys;

    private Builder(UsermanConfig c) {
      database = c.database;
      mail = c.mail;
      publicUrl = c.publicUrl;
      accounts = c.accounts;
      hashing = c.hashing;
      allowWeakHashing = c.allowWeakHashing;
      accessTokenTtl = c.accessTokenTtl;
      sessionTtl = c.sessionTtl;
      sessionIdleTimeout = c.sessionIdleTimeout;
      audience = c.audience;
      auditRetention = c.auditRetention;
      limits = c.limits;
      keys = c.keys;
      stepUpWindow = c.stepUpWindow;
      legacyHashes = c.legacyHashes;
      webhooks = c.webhooks;
      passkeys = c.passkeys;
    }

    public Builder database(DatabaseSettings database) {
      this.database = database;
      return this;
    }

    public Builder mail(MailSettings mail) {
      this.mail = mail;
      return this;
    }

    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl;
      return this;
    }

    public Builder accounts(AccountSettings accounts) {
      this.accounts = accounts;
      return this;
    }

    /** The registration policy alone, keeping the other account rules. */
    public Builder registration(RegistrationPolicy registration) {
      this.accounts =
          new AccountSettings(
              registration,
              accounts.verificationTtl(),
              accounts.resetTtl(),
              accounts.passwordMinLength(),
              accounts.publicAttributes(),
              accounts.emailReservation());
      return this;
    }

    public Builder hashing(HashParameters hashing, boolean allowWeak) {
      this.hashing = hashing;
      this.allowWeakHashing = allowWeak;
      return this;
    }

    public Builder tokenLifetimes(
        Duration accessTokens, Duration sessions, Duration sessionIdleTimeout) {
      this.accessTokenTtl = accessTokens;
      this.sessionTtl = sessions;
      this.sessionIdleTimeout = sessionIdleTimeout;
      return this;
    }

    /** The {@code aud} of access tokens; null for none. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    public Builder auditRetention(Duration auditRetention) {
      this.auditRetention = auditRetention;
      return this;
    }

    public Builder limits(LimitSettings limits) {
      this.limits = limits;
      return this;
    }

    public Builder keys(KeySettings keys) {
      this.keys = keys;
      return this;
    }

    /** How recent a proof (a sign-in or re-authentication) sensitive actions need. */
    public Builder stepUpWindow(Duration stepUpWindow) {
      this.stepUpWindow = stepUpWindow;
      return this;
    }

    public Builder legacyHashes(LegacyHashSettings legacyHashes) {
      this.legacyHashes = legacyHashes;
      return this;
    }

    public Builder webhooks(WebhookSettings webhooks) {
      this.webhooks = webhooks;
      return this;
    }

    public Builder passkeys(PasskeySettings passkeys) {
      this.passkeys = passkeys;
      return this;
    }

    /**
     * The configuration; {@link InvalidSettingException} naming the setting a value does not suit.
     */
    public UsermanConfig build() {
      return new UsermanConfig(
          database,
          mail,
          publicUrl,
          accounts,
          hashing,
          allowWeakHashing,
          accessTokenTtl,
          sessionTtl,
          sessionIdleTimeout,
          audience,
          auditRetention,
          limits,
          keys,
          stepUpWindow,
          legacyHashes,
          webhooks,
          passkeys);
    }
  }
}
