package org.userman;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.SecureRandom;
import java.time.Clock;
import org.userman.account.AccountStore;
import org.userman.account.Accounts;
import org.userman.account.EmailVerifications;
import org.userman.account.PasswordResets;
import org.userman.account.SignInGuard;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.SecretBox;
import org.userman.limit.LimitRule;
import org.userman.mail.Notices;
import org.userman.apikey.ApiKeyStore;
import org.userman.apikey.ApiKeys;
import org.userman.audit.AuditLog;
import org.userman.auth.Authenticator;
import org.userman.limit.RateLimiter;
import org.userman.mail.MailQueue;
import org.userman.mail.MailSettings;
import org.userman.mail.MailTemplates;
import org.userman.mail.Mailer;
import org.userman.mail.OutboxMailer;
import org.userman.mail.SmtpMailer;
import org.userman.onetime.OneTimeTokens;
import org.userman.password.PasswordHasher;
import org.userman.password.PasswordPolicy;
import org.userman.session.AccessTokens;
import org.userman.session.SessionCheck;
import org.userman.session.SessionStore;
import org.userman.session.Sessions;
import org.userman.session.SigningKeys;
import org.userman.store.Database;

/**
 * The library's composition root: {@link #open} builds every object once and wires them through
 * their constructors. Embed it in any JVM program, or run the server around it.
 */
public final class Userman implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Userman.class.getName());
  private final Database database;
  private final Accounts accounts;
  private final EmailVerifications verifications;
  private final PasswordResets resets;
  private final Sessions sessions;
  private final ApiKeys apiKeys;
  private final Authenticator authenticator;
  private final SigningKeys signingKeys;
  private final AuditLog audit;
  private final RateLimiter limiter;
  private final Background background = new Background();
  private final MailQueue mailQueue;

  private Userman(UsermanConfig config, Clock clock, SecureRandom random) {
    ObjectMapper json = jsonMapper();
    Ids ids = new Ids(clock, random);
    Secrets secrets = new Secrets(random);
    if (config.hashing().belowOwaspMinimum()) {
      LOG.log(System.Logger.Level.WARNING, "password hashing is below OWASP's minimum (passwords.argon2: " + config.hashing().memoryKib()
          + " KiB, " + config.hashing().iterations() + " iterations); use at least 19456 KiB with 2 iterations, or 12288 with 3");
    }
    this.database = Database.open(config.database());
    RateLimiter openedLimiter = null;
    try {
      EncryptionKey key = config.keys().resolve(random);
      AccountStore accountStore = new AccountStore(json, database.dialect());
      SessionStore sessionStore = new SessionStore();
      ApiKeyStore apiKeyStore = new ApiKeyStore();
      OneTimeTokens tokens = new OneTimeTokens(secrets, clock);
      this.audit = new AuditLog(database, json, ids, clock, config.auditRetention());
      openedLimiter = RateLimiter.open(config.limits(), database, clock, audit, config.database().connectTimeout());
      this.limiter = openedLimiter;
      PasswordHasher hasher = new PasswordHasher(config.hashing(), secrets);
      PasswordPolicy policy = new PasswordPolicy(config.accounts().passwordMinLength());
      MailSettings mail = config.mail();
      Mailer mailer = mail.smtp() != null
          ? new SmtpMailer(mail.smtp(), mail.from(), clock)
          : new OutboxMailer(mail.outbox(), mail.from(), clock, ids);
      this.mailQueue = new MailQueue(database, mailer, ids, clock);
      MailTemplates mails = new MailTemplates(mail.templates(), config.publicUrl(), mail.product());
      Notices notices = new Notices(mailQueue, mails);
      SignInGuard guard = new SignInGuard(database, accountStore, hasher, limiter, audit, notices, background, clock,
          new SecretBox(key, "audit-logins", random), config.limits().of(LimitRule.LOGIN_PER_ACCOUNT).period());
      this.verifications = new EmailVerifications(
          database, accountStore, tokens, notices, mailQueue, mails, config.accounts(), clock, audit, limiter, background);
      this.accounts = new Accounts(database, accountStore, sessionStore, apiKeyStore, tokens, guard, notices, hasher, policy, verifications,
          config.accounts(), json, clock, ids, audit, limiter);
      this.resets = new PasswordResets(database, accountStore, sessionStore, apiKeyStore, tokens, notices, hasher, policy, verifications,
          mailQueue, mails, config.accounts(), clock, audit, limiter, background);
      this.signingKeys = new SigningKeys(database, clock, ids, random, config.accessTokenTtl(), key);
      signingKeys.load();
      AccessTokens accessTokens = new AccessTokens(signingKeys, config.publicUrl(), config.audience(), config.accessTokenTtl(), clock);
      this.sessions = new Sessions(database, sessionStore, accountStore, guard, hasher, accessTokens, secrets, ids, clock, config.sessionTtl(),
          config.sessionIdleTimeout(), audit, limiter);
      this.apiKeys = new ApiKeys(database, apiKeyStore, accountStore, notices, secrets, ids, clock, audit);
      this.authenticator = new Authenticator(accessTokens, new SessionCheck(database, sessionStore, clock, config.sessionIdleTimeout()),
          apiKeys, limiter);
    } catch (RuntimeException e) {
      background.close();
      if (openedLimiter != null) {
        openedLimiter.close();
      }
      database.close();
      throw e;
    }
  }

  public static Userman open(UsermanConfig config) {
    return open(config, Clock.systemUTC(), new SecureRandom());
  }

  /** Opens with an explicit clock and randomness source (tests move time without sleeping). */
  public static Userman open(UsermanConfig config, Clock clock, SecureRandom random) {
    return new Userman(config, clock, random);
  }

  /**
   * The JSON settings used for stored attributes and by the HTTP layer: strict about duplicate
   * keys, and with explicit bounds on nesting, string and number length far below Jackson's own.
   */
  public static ObjectMapper jsonMapper() {
    StreamReadConstraints limits =
        StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024).maxNumberLength(64).build();
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(limits).build();
    return JsonMapper.builder(factory).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  public Database database() {
    return database;
  }

  public Accounts accounts() {
    return accounts;
  }

  public EmailVerifications verifications() {
    return verifications;
  }

  public PasswordResets passwordResets() {
    return resets;
  }

  public Sessions sessions() {
    return sessions;
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  public RateLimiter limiter() {
    return limiter;
  }

  /** The outgoing mail queue; the server starts its sender, tests and tools call {@code sendDue()}. */
  public MailQueue mailQueue() {
    return mailQueue;
  }

  /** Work that runs after answers (mail for verification and reset requests). */
  public Background background() {
    return background;
  }

  public AuditLog audit() {
    return audit;
  }

  public SigningKeys signingKeys() {
    return signingKeys;
  }

  @Override
  public void close() {
    background.close();
    mailQueue.close();
    limiter.close();
    database.close();
  }
}
