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
    this.database = Database.open(config.database());
    try {
      AccountStore accountStore = new AccountStore(json, database.dialect());
      SessionStore sessionStore = new SessionStore();
      ApiKeyStore apiKeyStore = new ApiKeyStore();
      OneTimeTokens tokens = new OneTimeTokens(secrets, clock);
      this.audit = new AuditLog(database, json, ids, clock, config.auditRetention());
      this.limiter = RateLimiter.open(config.limits(), database, clock, audit, config.database().connectTimeout());
      PasswordHasher hasher = new PasswordHasher(config.hashing(), secrets);
      PasswordPolicy policy = new PasswordPolicy(config.accounts().passwordMinLength());
      MailSettings mail = config.mail();
      Mailer mailer = mail.smtp() != null
          ? new SmtpMailer(mail.smtp(), mail.from(), clock)
          : new OutboxMailer(mail.outbox(), mail.from(), clock, ids);
      this.mailQueue = new MailQueue(database, mailer, ids, clock);
      MailTemplates mails = new MailTemplates(mail.templates(), config.publicUrl(), mail.product());
      this.verifications =
          new EmailVerifications(database, accountStore, tokens, mailQueue, mails, config.accounts(), clock, audit, limiter, background);
      this.accounts =
          new Accounts(
              database, accountStore, sessionStore, apiKeyStore, hasher, policy, verifications, config.accounts(), json, clock, ids, audit, limiter);
      this.resets =
          new PasswordResets(
              database, accountStore, sessionStore, tokens, hasher, policy, verifications, mailQueue, mails, config.accounts(), clock, audit, limiter, background);
      this.signingKeys = new SigningKeys(database, clock, ids, random, config.accessTokenTtl());
      signingKeys.load();
      AccessTokens accessTokens = new AccessTokens(signingKeys, config.publicUrl(), config.accessTokenTtl(), clock);
      this.sessions =
          new Sessions(database, sessionStore, accountStore, hasher, accessTokens, secrets, ids, clock, config.sessionTtl(), audit, limiter);
      this.apiKeys = new ApiKeys(database, apiKeyStore, secrets, ids, clock, audit);
      this.authenticator = new Authenticator(accessTokens, new SessionCheck(database, sessionStore, clock), apiKeys, limiter);
    } catch (RuntimeException e) {
      background.close();
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
