package org.userman;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.userman.account.AccountSettings;
import org.userman.limit.LimitSettings;
import org.userman.password.HashParameters;
import org.userman.store.DatabaseSettings;

/**
 * Everything the library needs, validated by whoever builds it (the server's config loader). The
 * outbox folder receives mail while no SMTP server is configured.
 *
 * @param publicUrl the base of links in mails, and the {@code iss} of access tokens
 * @param auditRetention how long audit events are kept
 * @param limits the rate limits
 */
public record UsermanConfig(
    DatabaseSettings database,
    Path outbox,
    String publicUrl,
    String mailFrom,
    AccountSettings accounts,
    HashParameters hashing,
    Duration accessTokenTtl,
    Duration sessionTtl,
    Duration auditRetention,
    LimitSettings limits) {

  public UsermanConfig {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(outbox, "outbox");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(mailFrom, "mailFrom");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(hashing, "hashing");
    Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
    Objects.requireNonNull(sessionTtl, "sessionTtl");
    Objects.requireNonNull(auditRetention, "auditRetention");
    Objects.requireNonNull(limits, "limits");
  }

  /** The defaults for an embedded database in {@code dataDir}. */
  public static UsermanConfig embedded(Path dataDir, String publicUrl) {
    return new UsermanConfig(
        DatabaseSettings.sqlite(dataDir.resolve("userman.db")),
        dataDir.resolve("outbox"),
        publicUrl,
        "Userman <no-reply@localhost>",
        AccountSettings.defaults(),
        HashParameters.OWASP,
        Duration.ofMinutes(15),
        Duration.ofDays(30),
        Duration.ofDays(180),
        LimitSettings.defaults());
  }

  public UsermanConfig withAccounts(AccountSettings accounts) {
    return new UsermanConfig(database, outbox, publicUrl, mailFrom, accounts, hashing, accessTokenTtl, sessionTtl, auditRetention, limits);
  }

  public UsermanConfig withHashing(HashParameters hashing) {
    return new UsermanConfig(database, outbox, publicUrl, mailFrom, accounts, hashing, accessTokenTtl, sessionTtl, auditRetention, limits);
  }
}
