package org.userman.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.limit.LimitSettings;
import org.userman.password.HashParameters;
import org.userman.password.Password;
import org.userman.store.DatabaseSettings;
import org.userman.store.internal.FreshDatabase;
import org.userman.store.internal.RoundTripProxy;
import org.userman.testkit.TestDatabases;

/**
 * What a password sign-in costs a server database in round trips, counted on the wire: reads of the
 * account before and after the hash, then one transaction whose writes (session, refresh token,
 * last sign-in, audit record, event, webhook deliveries, change count) go out together. A change
 * that adds a round trip to every sign-in fails here.
 */
class SignInRoundTripsTest {
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.50", "round trips test");
  private static final String EMAIL = "ada@example.org";
  private static final Password PASSWORD = Password.of("analytical engine, 1837");

  /**
   * With limits off, as the benchmarks run. PostgreSQL: the account by its email, its second
   * factors, the locked account read that begins the transaction, and the writes with the commit
   * and the writer's first look at the other nodes' leases. MariaDB sends each write of the
   * transaction on its own, sets autocommit off and on around it, and looks at the leases after.
   */
  private static final Map<String, Integer> WITHOUT_LIMITS = Map.of("postgresql", 4, "mariadb", 15);

  /** With the default limits, whose buckets in the database take three transactions more. */
  private static final Map<String, Integer> WITH_LIMITS = Map.of("postgresql", 13, "mariadb", 30);

  @TempDir Path dataDir;
  private FreshDatabase fresh;
  private RoundTripProxy proxy;
  private Userman userman;
  private User ada;

  @BeforeEach
  void open() {
    assumeFalse(
        TestDatabases.isSqlite(), "SQLite runs inside the process: there are no round trips");
    fresh = FreshDatabase.create();
    proxy = RoundTripProxy.to(fresh.settings());
  }

  @AfterEach
  void close() {
    if (userman != null) {
      userman.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  @Test
  void a_password_sign_in_without_limits_takes_few_round_trips() {
    start(new LimitSettings(false, Map.of(), null, "userman:"));

    List<String> trips = proxy.roundTripsOf(this::signIn);

    assertThat(trips)
        .as("round trips of one sign-in on " + TestDatabases.kind())
        .hasSizeLessThanOrEqualTo(WITHOUT_LIMITS.get(TestDatabases.kind()));
    assertSignedIn(3);
  }

  @Test
  void a_password_sign_in_under_the_default_limits_takes_few_round_trips() {
    start(LimitSettings.defaults());

    List<String> trips = proxy.roundTripsOf(this::signIn);

    assertThat(trips)
        .as("round trips of one sign-in on " + TestDatabases.kind())
        .hasSizeLessThanOrEqualTo(WITH_LIMITS.get(TestDatabases.kind()));
    assertSignedIn(3);
  }

  private void start(LimitSettings limits) {
    DatabaseSettings s = fresh.settings();
    // Two connections, both open before the count: opening one is not a sign-in's cost.
    DatabaseSettings two =
        new DatabaseSettings(
            s.url(),
            s.user(),
            s.password(),
            2,
            s.connectTimeout(),
            s.busyTimeout(),
            s.migrate(),
            s.listenForChanges());
    UsermanConfig config =
        UsermanConfig.embedded(dataDir, "https://accounts.example.org").toBuilder()
            .database(proxy.through(two))
            .hashing(new HashParameters(8, 1, 1), true)
            .limits(limits)
            .build();
    userman = Userman.open(config);
    ada = userman.accounts().create(NewUser.of(EMAIL, PASSWORD), true, Actor.COMMAND_LINE);
    signIn();
    signIn();
  }

  private void signIn() {
    userman.sessions().login(EMAIL, null, PASSWORD, "laptop", CLIENT);
  }

  /** The sign-ins wrote what they always wrote: sessions, the last sign-in, audit records. */
  private void assertSignedIn(int times) {
    assertThat(userman.sessions().list(ada.id())).hasSize(times);
    assertThat(userman.accounts().get(ada.id()).lastLoginAt()).isNotNull();
    assertThat(
            userman
                .audit()
                .list(new AuditQuery(ada.id(), AuditType.LOGIN_SUCCEEDED, null, null, 50, null))
                .items())
        .hasSize(times);
  }
}
