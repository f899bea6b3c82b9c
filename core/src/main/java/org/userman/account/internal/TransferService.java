package org.userman.account.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.userman.account.ImportFormat;
import org.userman.account.ImportOptions;
import org.userman.account.ImportOutcome;
import org.userman.account.ImportProgress;
import org.userman.account.ImportSummary;
import org.userman.account.User;
import org.userman.account.UserTransfers;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.internal.Ids;
import org.userman.password.internal.PasswordHasher;
import org.userman.role.internal.RoleCatalog;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/**
 * Imports and exports users. Records are written in batches, one transaction each, so that a large
 * file does not pay a commit per user; a batch that fails as a whole (a unique index lost to a
 * concurrent writer, say) is written again one record a transaction, so that each record stays all
 * or nothing and one bad record costs only itself.
 */
public final class TransferService implements UserTransfers {
  private static final System.Logger LOG = System.getLogger(TransferService.class.getName());

  /**
   * Records a transaction: large enough to spread the commit, small enough to hold no lock long.
   */
  static final int BATCH = 500;

  /** Users read a query while exporting. */
  private static final int EXPORT_PAGE = 1000;

  private final Database db;
  private final AccountStore store;
  private final ImportRecords records;
  private final AuditLogService audit;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration emailReservation;
  private final RoleCatalog roles;

  public TransferService(
      Database db,
      AccountStore store,
      PasswordHasher hasher,
      AuditLogService audit,
      ObjectMapper json,
      Ids ids,
      Clock clock,
      Duration emailReservation,
      RoleCatalog roles) {
    this.emailReservation = emailReservation;
    this.roles = roles;
    this.db = db;
    this.store = store;
    this.records = new ImportRecords(store, hasher, json, ids::next);
    this.audit = audit;
    this.json = json;
    this.clock = clock;
  }

  /** A record read, waiting for its batch: the user to insert, or what settled it already. */
  private record Pending(long line, ImportRecords.Candidate candidate, String failure) {}

  /** What writing one record found. */
  private record Settled(ImportOutcome outcome, String reason) {}

  @Override
  public ImportSummary importUsers(
      InputStream in,
      ImportFormat format,
      ImportOptions options,
      ImportProgress progress,
      Actor actor) {
    Tally tally = new Tally(options.dryRun(), progress);
    DryRun dryRun = options.dryRun() ? new DryRun() : null;
    try (ImportReader reader = ImportReader.open(in, format, json);
        Pipeline pipeline = new Pipeline(dryRun == null ? writers() : 0, tally)) {
      List<Pending> batch = new ArrayList<>(BATCH);
      for (ImportReader.Item item = reader.next(); item != null; item = reader.next()) {
        batch.add(pending(item, options));
        if (batch.size() == BATCH) {
          List<Pending> full = batch;
          pipeline.write(full, keys(full), () -> settle(full, dryRun, format, actor));
          batch = new ArrayList<>(BATCH);
        }
      }
      List<Pending> rest = batch;
      pipeline.write(rest, keys(rest), () -> settle(rest, dryRun, format, actor));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tally.summary();
  }

  /**
   * Batches written at once on a server database: a batch's reading and checking, its statements
   * and the database's work on them run one after the other, so one writer keeps about one of the
   * machine's cores busy (and waits on the network besides). SQLite takes one writer at a time.
   */
  private int writers() {
    return db.dialect() == Dialect.SQLITE
        ? 0
        : Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4);
  }

  /** What two records must not share: their emails, usernames and the ids a file gives. */
  private static Set<String> keys(List<Pending> batch) {
    Set<String> keys = new HashSet<>();
    for (Pending p : batch) {
      if (p.candidate() == null) {
        continue;
      }
      User u = p.candidate().user();
      keys.add("e:" + Text.fold(u.email()));
      if (u.username() != null) {
        keys.add("u:" + Text.fold(u.username()));
      }
      if (p.candidate().idGiven()) {
        keys.add("i:" + u.id());
      }
    }
    return keys;
  }

  /**
   * The batches being written, on threads of the import's own (none: on the caller's), and tallied
   * in the file's order as they finish, the oldest first. A batch that shares an email, a username
   * or a given id with one still being written waits until those are done, so that the first record
   * of the file that holds it is the one imported, as when the batches go one after another.
   */
  private static final class Pipeline implements AutoCloseable {
    private final int writers;
    private final Tally tally;
    private final ExecutorService executor;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    private record InFlight(List<Pending> batch, Set<String> keys, Future<List<Settled>> settled) {}

    Pipeline(int writers, Tally tally) {
      this.writers = writers;
      this.tally = tally;
      this.executor =
          writers == 0
              ? null
              : Executors.newFixedThreadPool(
                  writers, Thread.ofPlatform().name("userman-import-", 1).daemon().factory());
    }

    void write(List<Pending> batch, Set<String> keys, Callable<List<Settled>> settle) {
      if (batch.isEmpty()) {
        return;
      }
      if (executor == null) {
        tally(batch, call(settle));
        return;
      }
      if (inFlight.stream().anyMatch(f -> !Collections.disjoint(f.keys(), keys))) {
        while (!inFlight.isEmpty()) {
          tallyOldest();
        }
      }
      while (inFlight.size() >= writers) {
        tallyOldest();
      }
      inFlight.add(new InFlight(batch, keys, executor.submit(settle)));
    }

    private void tallyOldest() {
      InFlight oldest = inFlight.removeFirst();
      try {
        tally(oldest.batch(), oldest.settled().get());
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UsermanException(ErrorCode.UNAVAILABLE, "interrupted while importing");
      }
    }

    private void tally(List<Pending> batch, List<Settled> settled) {
      for (int i = 0; i < batch.size(); i++) {
        tally.add(batch.get(i).line(), settled.get(i));
      }
    }

    private static List<Settled> call(Callable<List<Settled>> settle) {
      try {
        return settle.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** Tallies what is still being written; on a failure, lets it finish (each batch is whole). */
    @Override
    public void close() {
      try {
        while (!inFlight.isEmpty()) {
          tallyOldest();
        }
      } finally {
        if (executor != null) {
          executor.close();
        }
      }
    }
  }

  private Pending pending(ImportReader.Item item, ImportOptions options) {
    return switch (item) {
      case ImportReader.Unreadable u -> new Pending(u.line(), null, u.reason());
      case ImportReader.Fields f -> {
        try {
          yield new Pending(
              f.line(), records.read(f.fields(), options.allowPlaintext(), clock.instant()), null);
        } catch (ImportRecords.Refused e) {
          yield new Pending(f.line(), null, e.getMessage());
        }
      }
    };
  }

  private List<Settled> settle(
      List<Pending> batch, DryRun dryRun, ImportFormat format, Actor actor) {
    if (dryRun != null) {
      return db.read(h -> dryRun.check(h, batch));
    }
    try {
      return db.tx(h -> write(h, batch, format, actor));
    } catch (RuntimeException e) {
      // each record alone, so that the one that failed the batch fails only itself
      List<Settled> settled = new ArrayList<>();
      for (Pending p : batch) {
        settled.add(writeAlone(p, format, actor));
      }
      return settled;
    }
  }

  private Settled writeAlone(Pending p, ImportFormat format, Actor actor) {
    try {
      return db.tx(h -> write(h, List.of(p), format, actor)).getFirst();
    } catch (RuntimeException e) {
      // The driver's message may quote the statement and its values (a password hash, emails):
      // the reason names the line only, and the log the kind of failure, never its text.
      LOG.log(
          System.Logger.Level.WARNING,
          "import line {0} could not be written: {1}",
          p.line(),
          kindOf(e));
      return new Settled(
          ImportOutcome.FAILED, "could not be written (the database refused it; see the log)");
    }
  }

  /** What kind of failure {@code e} is: its type, and the SQL state of a database's refusal. */
  private static String kindOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        return e.getClass().getSimpleName() + ", SQL state " + sql.getSQLState();
      }
    }
    return e.getClass().getSimpleName();
  }

  /**
   * Writes the records of {@code batch} that clash with no account, and with no record before them:
   * three queries find the accounts that hold their emails, names and ids, and one batch of
   * statements each inserts the users, their roles and their audit events.
   */
  private List<Settled> write(Handle h, List<Pending> batch, ImportFormat format, Actor actor) {
    if (db.dialect() == Dialect.POSTGRESQL) {
      // The lookups below are the same statement every batch, so PostgreSQL settles on a generic
      // plan after five; planned while the table was still empty, that plan scans the whole table,
      // which then grows by a batch each time. A plan of each batch's own keeps to the indexes.
      h.execute("SET LOCAL plan_cache_mode = force_custom_plan");
    }
    Clashes clashes = new Clashes(h, batch, true);
    List<Settled> out = new ArrayList<>(batch.size());
    List<User> users = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (Pending p : batch) {
      Settled clash = clashes.of(p);
      if (clash != null) {
        out.add(clash);
        continue;
      }
      users.add(p.candidate().user());
      hashes.add(p.candidate().passwordHash());
      out.add(new Settled(ImportOutcome.IMPORTED, null));
    }
    store.insertAll(h, users, hashes);
    audit.recordAll(
        h,
        AuditType.IMPORTED,
        actor,
        users.stream().map(User::id).toList(),
        Map.of("format", format.code()));
    return out;
  }

  /**
   * What keeps a record of a batch out: unreadable, a role that does not exist, or its email,
   * username or id held by an account or by a record before it. An unknown role fails the record
   * rather than being created: a typo in a file must not mint a role that grants something.
   */
  private final class Clashes {
    private final Set<String> emails = new HashSet<>();
    private final Set<String> reserved = new HashSet<>();
    private final Set<String> usernames = new HashSet<>();
    private final Set<String> ids = new HashSet<>();
    private final Set<String> unknownRoles;

    /**
     * {@code lock}: keep the roles found locked until the batch commits (a write, not a dry run).
     */
    Clashes(Handle h, List<Pending> batch, boolean lock) {
      List<User> users =
          batch.stream().filter(p -> p.candidate() != null).map(p -> p.candidate().user()).toList();
      unknownRoles =
          roles.unknown(h, users.stream().flatMap(u -> u.roles().stream()).toList(), lock);
      List<String> folded = users.stream().map(u -> Text.fold(u.email())).toList();
      emails.addAll(store.existing(h, "email_norm", folded));
      // An address given up lately stays its former owner's, for an import as for a registration.
      reserved.addAll(EmailHistory.reserved(h, folded, clock.instant().minus(emailReservation)));
      usernames.addAll(
          store.existing(
              h,
              "username",
              users.stream().map(User::username).filter(java.util.Objects::nonNull).toList()));
      // An id made for a record here is new: only the ids a file gives can be held already.
      ids.addAll(
          store.existing(
              h,
              "id",
              batch.stream()
                  .filter(p -> p.candidate() != null && p.candidate().idGiven())
                  .map(p -> p.candidate().user().id())
                  .toList()));
    }

    Settled of(Pending p) {
      if (p.failure() != null) {
        return new Settled(ImportOutcome.FAILED, p.failure());
      }
      User u = p.candidate().user();
      String email = Text.fold(u.email());
      if (emails.contains(email)) {
        return new Settled(ImportOutcome.SKIPPED, "an account with this email exists");
      }
      for (String role : u.roles()) {
        if (unknownRoles.contains(role)) {
          return new Settled(
              ImportOutcome.FAILED, "roles: there is no role '" + role + "'; create it first");
        }
      }
      if (reserved.contains(email)) {
        return new Settled(
            ImportOutcome.FAILED, "email: reserved for the account that gave it up lately");
      }
      if (u.username() != null && usernames.contains(u.username())) {
        return new Settled(ImportOutcome.FAILED, "username: another account holds it");
      }
      if (ids.contains(u.id())) {
        return new Settled(ImportOutcome.FAILED, "id: another account holds it");
      }
      emails.add(email);
      if (u.username() != null) {
        usernames.add(u.username());
      }
      ids.add(u.id());
      return null;
    }
  }

  /**
   * A dry run checks against the database and against every record before it in the file, as the
   * writes of a real run would.
   */
  private final class DryRun {
    private final Set<String> emails = new HashSet<>();
    private final Set<String> usernames = new HashSet<>();
    private final Set<String> ids = new HashSet<>();

    List<Settled> check(Handle h, List<Pending> batch) {
      Clashes clashes = new Clashes(h, batch, false);
      clashes.emails.addAll(emails);
      clashes.usernames.addAll(usernames);
      clashes.ids.addAll(ids);
      List<Settled> out = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        Settled clash = clashes.of(p);
        out.add(clash != null ? clash : new Settled(ImportOutcome.IMPORTED, null));
      }
      // what this batch would have written counts against the batches after it
      emails.addAll(clashes.emails);
      usernames.addAll(clashes.usernames);
      ids.addAll(clashes.ids);
      return out;
    }
  }

  /** Counts, the first problems, and the caller's progress. */
  private static final class Tally {
    private final boolean dryRun;
    private final ImportProgress progress;
    private final List<ImportSummary.Problem> problems = new ArrayList<>();
    private long imported;
    private long skipped;
    private long failed;

    Tally(boolean dryRun, ImportProgress progress) {
      this.dryRun = dryRun;
      this.progress = progress;
    }

    void add(long line, Settled s) {
      switch (s.outcome()) {
        case IMPORTED -> imported++;
        case SKIPPED -> skipped++;
        case FAILED -> failed++;
      }
      if (s.outcome() != ImportOutcome.IMPORTED && problems.size() < ImportSummary.MAX_PROBLEMS) {
        problems.add(new ImportSummary.Problem(line, s.outcome(), s.reason()));
      }
      progress.settled(line, s.outcome(), s.reason());
    }

    ImportSummary summary() {
      return new ImportSummary(imported, skipped, failed, dryRun, problems);
    }
  }

  @Override
  public long exportUsers(Writer out, Actor actor) {
    long count = 0;
    try (JsonGenerator g =
        json.getFactory()
            .createGenerator(out)
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)) {
      String after = null;
      while (true) {
        String cursor = after;
        List<AccountStore.Exported> page = db.read(h -> store.exportPage(h, cursor, EXPORT_PAGE));
        for (AccountStore.Exported e : page) {
          json.writeTree(g, exported(e));
          g.writeRaw('\n');
          count++;
        }
        if (page.size() < EXPORT_PAGE) {
          break;
        }
        after = page.getLast().user().id();
      }
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long users = count;
    db.tx(
        h -> {
          audit.record(h, AuditType.EXPORTED, actor, null, Map.of("users", String.valueOf(users)));
          return null;
        });
    return count;
  }

  /** One user as an import reads it back. */
  private ObjectNode exported(AccountStore.Exported e) {
    User u = e.user();
    ObjectNode n = json.createObjectNode();
    n.put("id", u.id());
    n.put("email", u.email());
    if (u.username() != null) {
      n.put("username", u.username());
    }
    if (!u.name().isEmpty()) {
      n.put("name", u.name());
    }
    n.put("status", u.status().wire());
    n.put("email_verified", u.emailVerified());
    if (!u.roles().isEmpty()) {
      u.roles().forEach(n.putArray("roles")::add);
    }
    if (!u.attributes().isEmpty()) {
      n.set("attributes", u.attributes());
    }
    n.put("created_at", u.createdAt().toString());
    if (e.passwordHash() != null) {
      n.put("password_hash", e.passwordHash());
    }
    return n;
  }
}
