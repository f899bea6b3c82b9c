package org.userman;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.userman.account.AccountSettings;
import org.userman.limit.LimitSettings;
import org.userman.mail.MailSettings;
import org.userman.password.HashParameters;
import org.userman.store.DatabaseSettings;

/**
 * Everything the library needs, validated by whoever builds it (the server's config loader).
 *
 * @param publicUrl the base of links in mails, and the {@code iss} of access tokens
 * @param auditRetention how long audit events are kept
 * @param limits the rate limits
 */
public record UsermanConfig(
    DatabaseSettings database,
    MailSettings mail,
    String publicUrl,
    AccountSettings accounts,
    HashParameters hashing,
    Duration accessTokenTtl,
    Duration sessionTtl,
    Duration auditRetention,
    LimitSettings limits) {

  public UsermanConfig {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(mail, "mail");
    Objects.requireNonNull(publicUrl, "publicUrl");
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
        MailSettings.outbox(dataDir.resolve("outbox")),
        publicUrl,
        AccountSettings.defaults(),
        HashParameters.OWASP,
        Duration.ofMinutes(15),
        Duration.ofDays(30),
        Duration.ofDays(180),
        LimitSettings.defaults());
  }

  public UsermanConfig withAccounts(AccountSettings accounts) {
    return new UsermanConfig(database, mail, publicUrl, accounts, hashing, accessTokenTtl, sessionTtl, auditRetention, limits);
  }

  public UsermanConfig withHashing(HashParameters hashing) {
    return new UsermanConfig(database, mail, publicUrl, accounts, hashing, accessTokenTtl, sessionTtl, auditRetention, limits);
  }
}
