package org.userman;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.userman.account.Accounts;
import org.userman.account.EmailVerifications;
import org.userman.account.PasswordResets;
import org.userman.account.UserTransfers;
import org.userman.account.internal.AccountService;
import org.userman.account.internal.AccountStore;
import org.userman.account.internal.EmailHistory;
import org.userman.account.internal.EmailVerificationService;
import org.userman.account.internal.OneTimeTokens;
import org.userman.account.internal.PasswordResetService;
import org.userman.account.internal.RoleAssignments;
import org.userman.account.internal.SignInGuard;
import org.userman.account.internal.TransferService;
import org.userman.apikey.ApiKeys;
import org.userman.apikey.internal.ApiKeyRevoker;
import org.userman.apikey.internal.ApiKeyService;
import org.userman.apikey.internal.ApiKeyStore;
import org.userman.audit.AuditLog;
import org.userman.audit.internal.AuditLogService;
import org.userman.auth.Authenticator;
import org.userman.auth.internal.AuthenticatorService;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.internal.Keys;
import org.userman.crypto.internal.SecretBox;
import org.userman.event.Events;
import org.userman.event.internal.EventDispatcher;
import org.userman.event.internal.EventOutbox;
import org.userman.internal.Background;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.internal.Ticker;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.MailQueue;
import org.userman.mail.MailSettings;
import org.userman.mail.internal.MailQueueService;
import org.userman.mail.internal.MailTemplates;
import org.userman.mail.internal.Mailer;
import org.userman.mail.internal.Notices;
import org.userman.mail.internal.OutboxMailer;
import org.userman.mail.internal.SmtpMailer;
import org.userman.metrics.Instrumentation;
import org.userman.mfa.Passkeys;
import org.userman.mfa.SecondFactors;
import org.userman.mfa.internal.PasskeyService;
import org.userman.mfa.internal.SecondFactorService;
import org.userman.organization.Organizations;
import org.userman.organization.internal.OrganizationService;
import org.userman.organization.internal.OrganizationStore;
import org.userman.password.internal.PasswordHasher;
import org.userman.password.internal.PasswordPolicy;
import org.userman.role.Roles;
import org.userman.role.internal.RoleCatalog;
import org.userman.role.internal.RoleHolders;
import org.userman.role.internal.RoleService;
import org.userman.role.internal.RoleStore;
import org.userman.serviceaccount.ServiceAccounts;
import org.userman.serviceaccount.internal.ServiceAccountService;
import org.userman.serviceaccount.internal.ServiceAccountStore;
import org.userman.session.Sessions;
import org.userman.session.SigningKeys;
import org.userman.session.internal.AccessTokens;
import org.userman.session.internal.SessionCheck;
import org.userman.session.internal.SessionControl;
import org.userman.session.internal.SessionService;
import org.userman.session.internal.SessionStore;
import org.userman.session.internal.SigningKeyService;
import org.userman.store.DatabaseSettings;
import org.userman.store.Storage;
import org.userman.store.internal.Database;
import org.userman.webhook.Webhooks;
import org.userman.webhook.internal.WebhookQueue;
import org.userman.webhook.internal.WebhookSender;
import org.userman.webhook.internal.WebhookService;

/**
 * The library's entry point and composition root: {@link #open} builds every object once and wires
 * them through their constructors; {@link #close} stops every thread and pool they own. Embed it in
 * any JVM program (docs/embedding.md), or run the server around it.
 *
 * <p>Opened, the library answers calls. A long-running program (a server, or an application that
 * embeds the library for good) also calls {@link #startServices}: the mail sender, the watch for
 * other writers that lets nodes keep per-request reads in memory, and the periodic pruning.
 */
public final class Userman implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Userman.class.getName());
  private final Database database;
  private final Storage storage;
  private final AccountService accounts;
  private final TransferService transfers;
  private final EmailVerificationService verifications;
  private final PasswordResetService resets;
  private final SessionService sessions;
  private final ApiKeyService apiKeys;
  private final AuthenticatorService authenticator;
  private final SigningKeyService signingKeys;
  private final AuditLogService audit;
  private final RateLimiter limiter;
  private final PasswordHasher hasher;
  private final Background background = new Background();
  private final MailQueueService mailQueue;
  private final SecondFactorService secondFactors;
  private final PasskeyService passkeys;
  private final EventDispatcher events;
  private final WebhookSender webhookSender;
  private final WebhookService webhooks;
  private final RoleService roles;
  private final ServiceAccountService serviceAccounts;
  private final OrganizationService organizations;

  /** What {@link #close} closes, in the reverse of this order. */
  private final List<AutoCloseable> owned = new ArrayList<>();

  private Housekeeping housekeeping;

  private Userman(
      UsermanConfig config, Clock clock, SecureRandom random, Instrumentation instrumentation) {
    ObjectMapper json = jsonMapper();
    Ids ids = new Ids(clock, random);
    Secrets secrets = new Secrets(random);
    if (config.hashing().belowOwaspMinimum()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "password hashing is below OWASP's minimum (passwords.argon2: "
              + config.hashing().memoryKib()
              + " KiB, "
              + config.hashing().iterations()
              + " iterations); use at least 19456 KiB with 2 iterations, or 12288 with 3");
    }
    this.database = own(Database.open(config.database(), Ticker.SYSTEM, instrumentation));
    this.storage = new StorageView(database);
    this.events = own(new EventDispatcher());
    try {
      EncryptionKey key = Keys.resolve(config.keys(), random);
      AccountStore accountStore = new AccountStore(json, database.dialect());
      SessionStore sessionStore = new SessionStore();
      ApiKeyStore apiKeyStore = new ApiKeyStore();
      RoleStore roleStore = new RoleStore(database.dialect());
      RoleCatalog roleCatalog = new RoleCatalog(roleStore);
      OneTimeTokens tokens = new OneTimeTokens(secrets, clock);
      // the queue asks the sender to look after a commit; the sender is made below, with the audit
      // log it needs, before any change can commit
      WebhookQueue webhookQueue = new WebhookQueue(clock, this::nudgeWebhooks);
      EventOutbox outbox = new EventOutbox(json, ids, clock, events, List.of(webhookQueue));
      this.audit = new AuditLogService(database, json, ids, clock, config.auditRetention(), outbox);
      this.limiter =
          own(
              RateLimiter.open(
                  config.limits(),
                  database,
                  clock,
                  audit,
                  config.database().connectTimeout(),
                  new SecretBox(key, "rate-limit-buckets", random),
                  instrumentation));
      SecretBox webhookSecrets = new SecretBox(key, "webhook-secrets", random);
      this.webhookSender =
          own(
              new WebhookSender(
                  database,
                  webhookSecrets,
                  clock,
                  random,
                  audit,
                  config.webhooks(),
                  instrumentation));
      this.webhooks =
          new WebhookService(
              database,
              webhookSecrets,
              secrets,
              ids,
              clock,
              audit,
              config.webhooks(),
              webhookSender);
      this.hasher =
          own(
              new PasswordHasher(
                  config.hashing(), secrets, config.legacyHashes(), instrumentation));
      PasswordPolicy policy = new PasswordPolicy(config.accounts().passwordMinLength());
      MailSettings mail = config.mail();
      Mailer mailer =
          mail.smtp() != null
              ? new SmtpMailer(mail.smtp(), mail.from(), clock)
              : new OutboxMailer(mail.outbox(), mail.from(), clock, ids);
      this.mailQueue = own(new MailQueueService(database, mailer, ids, clock, instrumentation));
      MailTemplates mails = new MailTemplates(mail.templates(), config.publicUrl(), mail.product());
      Notices notices = new Notices(mailQueue, mails);
      SignInGuard guard =
          new SignInGuard(
              database,
              accountStore,
              hasher,
              limiter,
              audit,
              notices,
              background,
              clock,
              new SecretBox(key, "audit-logins", random),
              config.limits().of(LimitRule.LOGIN_PER_ACCOUNT).period());
      SessionControl sessionControl = new SessionControl(sessionStore, database.dialect());
      EmailHistory emailHistory = new EmailHistory(ids);
      this.verifications =
          new EmailVerificationService(
              database,
              accountStore,
              sessionControl,
              tokens,
              notices,
              mailQueue,
              mails,
              config.accounts(),
              clock,
              audit,
              limiter,
              background,
              emailHistory);
      ApiKeyRevoker apiKeyRevoker = new ApiKeyRevoker(apiKeyStore);
      this.accounts =
          new AccountService(
              database,
              accountStore,
              sessionControl,
              apiKeyRevoker,
              tokens,
              guard,
              notices,
              hasher,
              policy,
              verifications,
              config.accounts(),
              json,
              clock,
              ids,
              audit,
              limiter,
              emailHistory,
              roleCatalog,
              instrumentation);
      this.transfers =
          new TransferService(
              database,
              accountStore,
              hasher,
              audit,
              json,
              ids,
              clock,
              config.accounts().emailReservation(),
              roleCatalog);
      this.resets =
          new PasswordResetService(
              database,
              accountStore,
              sessionControl,
              apiKeyRevoker,
              tokens,
              notices,
              hasher,
              policy,
              verifications,
              mailQueue,
              mails,
              config.accounts(),
              clock,
              audit,
              limiter,
              background);
      this.passkeys =
          new PasskeyService(
              database,
              audit,
              notices,
              limiter,
              secrets,
              ids,
              clock,
              config.passkeys().resolve(config.publicUrl()),
              mail.product());
      this.secondFactors =
          new SecondFactorService(
              database,
              guard,
              notices,
              audit,
              new SecretBox(key, "totp-secrets", random),
              new SecretBox(key, "recovery-codes", random),
              secrets,
              clock,
              mail.product(),
              passkeys);
      this.organizations =
          new OrganizationService(
              database,
              new OrganizationStore(database.dialect()),
              audit,
              mailQueue,
              mails,
              secrets,
              ids,
              clock,
              limiter);
      this.signingKeys =
          new SigningKeyService(database, clock, ids, random, config.accessTokenTtl(), key);
      signingKeys.load();
      AccessTokens accessTokens =
          new AccessTokens(
              signingKeys, config.publicUrl(), config.audience(), config.accessTokenTtl(), clock);
      this.sessions =
          new SessionService(
              database,
              sessionStore,
              guard,
              accessTokens,
              secrets,
              ids,
              clock,
              config.sessionTtl(),
              config.sessionIdleTimeout(),
              audit,
              limiter,
              secondFactors,
              passkeys,
              organizations,
              config.stepUpWindow(),
              instrumentation);
      this.apiKeys =
          new ApiKeyService(
              database,
              apiKeyStore,
              sessionControl,
              notices,
              secrets,
              ids,
              clock,
              audit,
              instrumentation);
      this.serviceAccounts =
          new ServiceAccountService(
              database,
              new ServiceAccountStore(database.dialect()),
              roleCatalog,
              accessTokens,
              limiter,
              audit,
              secrets,
              ids,
              clock,
              instrumentation,
              organizations::exists);
      this.roles =
          new RoleService(
              database,
              roleStore,
              RoleHolders.of(new RoleAssignments(accountStore, audit, clock), serviceAccounts),
              audit,
              clock);
      this.authenticator =
          new AuthenticatorService(
              accessTokens,
              new SessionCheck(
                  database, sessionStore, clock, config.sessionIdleTimeout(), instrumentation),
              apiKeys,
              serviceAccounts,
              limiter,
              config.publicUrl());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void nudgeWebhooks() {
    webhookSender.nudge();
  }

  private <T extends AutoCloseable> T own(T resource) {
    owned.add(resource);
    return resource;
  }

  public static Userman open(UsermanConfig config) {
    return open(config, Clock.systemUTC(), new SecureRandom());
  }

  /** Opens with an explicit clock and randomness source (tests move time without sleeping). */
  public static Userman open(UsermanConfig config, Clock clock, SecureRandom random) {
    return open(config, clock, random, Instrumentation.NONE);
  }

  /**
   * Opens with an explicit clock and randomness source, telling {@code instrumentation} what the
   * library does (sign-ins, hashing, refusals, caches, deliveries, the connection pool) for a
   * program's metrics; {@link Instrumentation#NONE} records nothing.
   */
  public static Userman open(
      UsermanConfig config, Clock clock, SecureRandom random, Instrumentation instrumentation) {
    return new Userman(config, clock, random, instrumentation);
  }

  /**
   * The database alone, with the schema left as it is: for the operator's migrate, status and
   * backup, which need neither the encryption key nor a current schema. Close it when done.
   */
  public static MaintenanceStorage openForMaintenance(DatabaseSettings settings) {
    return new MaintenanceStorage(Database.openForMaintenance(settings, Ticker.SYSTEM));
  }

  /** {@link Storage} that owns its database connections. */
  public static final class MaintenanceStorage extends StorageView implements AutoCloseable {
    private MaintenanceStorage(Database database) {
      super(database);
    }

    @Override
    public void close() {
      database.close();
    }
  }

  /**
   * The {@link Storage} face of the database: what callers may do with it, and nothing they could
   * reach by casting it back to the database itself.
   */
  private static class StorageView implements Storage {
    final Database database;

    StorageView(Database database) {
      this.database = database;
    }

    @Override
    public org.userman.store.Dialect dialect() {
      return database.dialect();
    }

    @Override
    public boolean isReady(Duration timeout) {
      return database.isReady(timeout);
    }

    @Override
    public SchemaStatus status() {
      return database.status();
    }

    @Override
    public int migrate() {
      return database.migrate();
    }

    @Override
    public void backupTo(java.nio.file.Path file) {
      database.backupTo(file);
    }

    @Override
    public RequestScope request() {
      return database.request();
    }
  }

  /**
   * The JSON settings used for stored attributes and by the HTTP layer: strict about duplicate
   * keys, and with explicit bounds on nesting, string and number length far below Jackson's own.
   */
  public static ObjectMapper jsonMapper() {
    StreamReadConstraints limits =
        StreamReadConstraints.builder()
            .maxNestingDepth(32)
            .maxStringLength(64 * 1024)
            .maxNumberLength(64)
            .build();
    JsonFactory factory = JsonFactory.builder().streamReadConstraints(limits).build();
    return JsonMapper.builder(factory).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  }

  /**
   * Starts what a long-running program needs: the mail sender, the watch for other writers (so that
   * per-request reads can be kept in memory), and the periodic pruning of old audit events and idle
   * rate-limit buckets. On the embedded database it first takes the file's serving lock: a second
   * program serving the same file fails here (the command line never takes it).
   */
  public synchronized void startServices() {
    if (housekeeping != null) {
      return;
    }
    database.lockForServing();
    mailQueue.start();
    webhookSender.start();
    database.changes().start();
    housekeeping = own(new Housekeeping(audit, limiter, sessions, passkeys, webhooks));
  }

  /** Waits until the work started after answers (the mails of anonymous requests) is done. */
  public void awaitIdle(Duration timeout) {
    background.awaitIdle(timeout);
  }

  /**
   * For a short-lived program that does not {@link #startServices start the services}: waits for
   * the work started after answers, then sends every mail that is due; returns how many went out.
   */
  public int sendQueuedMail(Duration timeout) {
    awaitIdle(timeout);
    return mailQueue.sendDue();
  }

  /** Whether per-request reads are answered from memory now (the watch for other writers runs). */
  public boolean cachesOn(Duration waitAtMost) {
    return database.changes().startAndAwait(waitAtMost);
  }

  public Storage storage() {
    return storage;
  }

  public Accounts accounts() {
    return accounts;
  }

  /** Imports and exports of users, with their password hashes. */
  public UserTransfers transfers() {
    return transfers;
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

  /** TOTP and recovery codes; see {@link Sessions} for the two-step sign-in they bring. */
  public SecondFactors secondFactors() {
    return secondFactors;
  }

  /** Passkeys (WebAuthn): register, list, rename and remove them, and the sign-in challenge. */
  public Passkeys passkeys() {
    return passkeys;
  }

  /** Service accounts, their client secrets and the client credentials grant. */
  public ServiceAccounts serviceAccounts() {
    return serviceAccounts;
  }

  /** The roles admins may assign: create, list and delete them. */
  public Roles roles() {
    return roles;
  }

  /** Organizations, their members with organization roles, and invitations by email. */
  public Organizations organizations() {
    return organizations;
  }

  public ApiKeys apiKeys() {
    return apiKeys;
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  /**
   * The outgoing mail queue: for admins to read, and for tools and tests to send what is due now.
   */
  public MailQueue mailQueue() {
    return mailQueue;
  }

  /**
   * Account events: subscribe a listener, called after each change commits on a thread the library
   * owns (docs/embedding.md); webhooks deliver the same events over HTTP.
   */
  public Events events() {
    return events;
  }

  /** Webhook endpoints, their delivery logs, and delivering what is due now (tools and tests). */
  public Webhooks webhooks() {
    return webhooks;
  }

  public AuditLog audit() {
    return audit;
  }

  public SigningKeys signingKeys() {
    return signingKeys;
  }

  /**
   * Stops every thread and pool the library owns and closes the database; idempotent. The work
   * started after answers goes first, while the services it uses are still open; then the rest, in
   * the reverse of the order they were made.
   */
  @Override
  public synchronized void close() {
    background.close();
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "closing " + owned.get(i).getClass().getSimpleName() + " failed: " + e.getMessage());
      }
    }
    owned.clear();
  }
}
