package org.userman.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.limit.LimitSettings;
import org.userman.password.HashParameters;
import org.userman.password.LegacyHashSettings;
import org.userman.password.Password;
import org.userman.store.internal.FreshDatabase;

/**
 * Users move in with the password hashes other tools made, sign in with their passwords and come
 * out rehashed; a run is all or nothing per record, resumable, and reports each problem by line;
 * the export imports back into an empty Userman unchanged. On the run's database.
 */
class UserTransfersTest {
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.40", "transfers test");
  private static final ImportOptions IMPORT = new ImportOptions(false, false);
  private static final ObjectMapper JSON = Userman.jsonMapper();

  /** The project parameters of github.com/firebase/scrypt's README example. */
  private static final LegacyHashSettings FIREBASE =
      new LegacyHashSettings(
          LegacyHashSettings.FirebaseScrypt.fromBase64(
              "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
              "Bw==",
              8,
              14));

  @TempDir Path dataDir;
  private final List<FreshDatabase> databases = new ArrayList<>();
  private final List<Userman> opened = new ArrayList<>();
  private Userman userman;

  @BeforeEach
  void open() {
    userman = fresh();
    // the files below give users this role; a role must exist before it is assigned
    userman.roles().create("support", null, Actor.COMMAND_LINE);
  }

  /** A Userman on a fresh database of the run's kind. */
  private Userman fresh() {
    FreshDatabase db = FreshDatabase.create();
    databases.add(db);
    UsermanConfig config =
        UsermanConfig.embedded(
                dataDir.resolve("node" + databases.size()), "https://accounts.example.org")
            .toBuilder()
            .database(db.settings())
            .hashing(new HashParameters(8, 1, 1), true) // the cheapest Argon2id
            .limits(new LimitSettings(false, Map.of(), null, "userman:"))
            .legacyHashes(FIREBASE)
            .build();
    Userman u = Userman.open(config);
    opened.add(u);
    return u;
  }

  @AfterEach
  void close() {
    opened.forEach(Userman::close);
    databases.forEach(FreshDatabase::close);
  }

  private record Fixture(String format, String password, String hash) {}

  /** One hash of each format from the tools' own output (legacy-hashes.tsv), and its password. */
  private static List<Fixture> oneOfEachFormat() throws IOException {
    Map<String, Fixture> out = new LinkedHashMap<>();
    try (InputStream in =
            Objects.requireNonNull(
                UserTransfersTest.class.getResourceAsStream(
                    "/org/userman/password/legacy-hashes.tsv"));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.putIfAbsent(f[0], new Fixture(f[0], f[2], f[3]));
      }
    }
    return List.copyOf(out.values());
  }

  private ImportSummary importText(Userman u, String text, ImportFormat format, ImportOptions o) {
    return u.transfers()
        .importUsers(
            new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
            format,
            o,
            ImportProgress.NONE,
            Actor.COMMAND_LINE);
  }

  private static String export(Userman u) {
    StringWriter out = new StringWriter();
    u.transfers().exportUsers(out, Actor.COMMAND_LINE);
    return out.toString();
  }

  /** The stored hash of {@code email}, as the export shows it. */
  private static String storedHash(Userman u, String email) throws IOException {
    for (String line : export(u).lines().toList()) {
      JsonNode n = JSON.readTree(line);
      if (n.path("email").asText().equals(email)) {
        return n.path("password_hash").asText(null);
      }
    }
    throw new AssertionError("no " + email + " in the export");
  }

  private String signIn(Userman u, String login, String password) {
    boolean email = login.contains("@");
    return u.sessions()
        .login(email ? login : null, email ? null : login, Password.of(password), "test", CLIENT)
        .user()
        .id();
  }

  @Test
  void users_with_hashes_made_by_other_tools_sign_in_with_their_passwords_and_are_rehashed()
      throws IOException {
    List<Fixture> fixtures = oneOfEachFormat();
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < fixtures.size(); i++) {
      ObjectNode n = JSON.createObjectNode();
      n.put("email", "user" + i + "@example.org");
      n.put("name", fixtures.get(i).format());
      n.put("password_hash", fixtures.get(i).hash());
      file.append(JSON.writeValueAsString(n)).append('\n');
    }

    ImportSummary summary = importText(userman, file.toString(), ImportFormat.JSONL, IMPORT);

    assertThat(summary.imported()).isEqualTo(fixtures.size());
    assertThat(summary.problems()).isEmpty();
    for (int i = 0; i < fixtures.size(); i++) {
      Fixture f = fixtures.get(i);
      String email = "user" + i + "@example.org";
      assertThat(storedHash(userman, email)).as(f.format()).isEqualTo(f.hash());
      assertThatThrownBy(() -> signIn(userman, email, "!" + f.password()))
          .as(f.format())
          .isInstanceOf(UsermanException.class)
          .extracting(e -> ((UsermanException) e).code())
          .isEqualTo(ErrorCode.INVALID_CREDENTIALS);
      assertThat(storedHash(userman, email))
          .as("a wrong password changes nothing")
          .isEqualTo(f.hash());

      signIn(userman, email, f.password());

      assertThat(storedHash(userman, email))
          .as(f.format() + " rehashed")
          .startsWith("$argon2id$v=19$m=8,t=1,p=1$");
      signIn(userman, email, f.password());
    }
  }

  @Test
  void each_record_is_all_or_nothing_and_each_problem_is_reported_by_line() {
    String file =
        """
        {"email":"ok@example.org","password_hash":"$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a","roles":["support"]}
        {"email":"md5@example.org","password_hash":"$1$abc$def"}

        {"email":"plain@example.org","password":"a plaintext password"}
        not json
        {"email":"typo@example.org","pasword_hash":"x"}
        {"email":"OK@example.org","name":"the same address again"}
        {"email":"nohash@example.org","status":"disabled"}
        """;

    ImportSummary summary = importText(userman, file, ImportFormat.JSONL, IMPORT);

    assertThat(summary.imported()).isEqualTo(2);
    assertThat(summary.skipped()).isEqualTo(1);
    assertThat(summary.failed()).isEqualTo(4);
    assertThat(summary.problems())
        .extracting(ImportSummary.Problem::line, ImportSummary.Problem::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, ImportOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(4L, ImportOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(5L, ImportOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(6L, ImportOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(7L, ImportOutcome.SKIPPED));
    assertThat(summary.problems().get(0).reason()).isEqualTo("password_hash: unknown hash format");
    assertThat(summary.problems().get(1).reason()).contains("plaintext");
    assertThat(summary.problems().get(3).reason()).contains("pasword_hash");
    assertThat(userman.accounts().findByEmail("md5@example.org")).isEmpty();
    assertThat(userman.accounts().findByEmail("plain@example.org")).isEmpty();
    assertThat(userman.accounts().findByEmail("ok@example.org").orElseThrow().roles())
        .containsExactly("support");
    assertThat(signIn(userman, "ok@example.org", "rasmuslerdorf")).isNotNull();
    assertThat(userman.accounts().findByEmail("nohash@example.org").orElseThrow().status())
        .isEqualTo(UserStatus.DISABLED);
  }

  /**
   * On a server database batches are written side by side; an email or username that two batches
   * share still goes to the first record of the file that holds it, as when they go in turn.
   */
  @Test
  void in_a_file_of_many_batches_the_first_record_with_an_email_or_username_is_the_one_imported() {
    StringBuilder file = new StringBuilder();
    int records = 4 * 500 + 7;
    for (int i = 1; i <= records; i++) {
      String email = "user" + i + "@example.org";
      String username = "user" + i;
      String name = "line " + i;
      if (i == 501) {
        email = "USER500@example.org"; // the email of the line before, the next batch's first
      } else if (i == 1_020) {
        username = "User12"; // the username of line 12, two batches later
      } else if (i == 1_700) {
        email = "user1690@example.org"; // a line of its own batch
      }
      file.append(
          "{\"email\":\"%s\",\"username\":\"%s\",\"name\":\"%s\",\"roles\":[\"support\"]}\n"
              .formatted(email, username, name));
    }

    ImportSummary summary = importText(userman, file.toString(), ImportFormat.JSONL, IMPORT);

    assertThat(summary.problems())
        .extracting(ImportSummary.Problem::line, ImportSummary.Problem::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(501L, ImportOutcome.SKIPPED),
            org.assertj.core.groups.Tuple.tuple(1_020L, ImportOutcome.FAILED),
            org.assertj.core.groups.Tuple.tuple(1_700L, ImportOutcome.SKIPPED));
    assertThat(summary.imported()).isEqualTo(records - 3);
    assertThat(userman.accounts().findByEmail("user500@example.org").orElseThrow().name())
        .isEqualTo("line 500");
    assertThat(userman.accounts().findByEmail("user1690@example.org").orElseThrow().name())
        .isEqualTo("line 1690");
    assertThat(userman.accounts().findByEmail("user1020@example.org")).isEmpty();
    assertThat(userman.accounts().findByEmail("user2007@example.org").orElseThrow().roles())
        .containsExactly("support");
  }

  @Test
  void a_run_again_skips_what_the_first_imported_so_a_stopped_run_is_resumed() {
    String first = "{\"email\":\"a@example.org\"}\n{\"email\":\"b@example.org\"}\n";
    importText(userman, first, ImportFormat.JSONL, IMPORT);

    ImportSummary again =
        importText(userman, first + "{\"email\":\"c@example.org\"}\n", ImportFormat.JSONL, IMPORT);

    assertThat(again.imported()).isEqualTo(1);
    assertThat(again.skipped()).isEqualTo(2);
    assertThat(userman.accounts().list(new UserQuery(null, null, null, 100, null)).items())
        .hasSize(3);
  }

  @Test
  void an_address_given_up_lately_stays_its_former_owners_against_an_import() {
    importText(userman, "{\"email\":\"ada@example.org\"}\n", ImportFormat.JSONL, IMPORT);
    String ada = userman.accounts().findByEmail("ada@example.org").orElseThrow().id();
    userman
        .accounts()
        .update(
            ada,
            new UserPatch("ada.new@example.org", null, null, false, null, null, null, null, null),
            Actor.COMMAND_LINE);

    ImportSummary summary =
        importText(
            userman,
            "{\"email\":\"ADA@example.org\"}\n{\"email\":\"ada.new@example.org\"}\n",
            ImportFormat.JSONL,
            IMPORT);

    assertThat(summary.imported()).isZero();
    assertThat(summary.skipped()).isEqualTo(1);
    assertThat(summary.failed()).isEqualTo(1);
    assertThat(summary.problems().get(0).reason())
        .isEqualTo("email: reserved for the account that gave it up lately");
    assertThat(userman.accounts().findByEmail("ada@example.org")).isEmpty();
    // the export carries each user's current address only
    assertThat(export(userman)).contains("ada.new@example.org").doesNotContain("\"ada@example.org");
  }

  @Test
  void a_record_that_names_a_role_that_does_not_exist_fails_and_mints_no_role() {
    String file =
        """
        {"email":"ada@example.org","roles":["support","billing"]}
        {"email":"bob@example.org","roles":["support"]}
        """;

    ImportSummary dry =
        importText(userman, file, ImportFormat.JSONL, new ImportOptions(true, false));
    ImportSummary real = importText(userman, file, ImportFormat.JSONL, IMPORT);

    for (ImportSummary summary : List.of(dry, real)) {
      assertThat(List.of(summary.imported(), summary.failed())).containsExactly(1L, 1L);
      assertThat(summary.problems()).extracting(ImportSummary.Problem::line).containsExactly(1L);
      assertThat(summary.problems().get(0).reason()).contains("no role 'billing'");
    }
    assertThat(userman.accounts().findByEmail("ada@example.org")).isEmpty();
    assertThat(userman.accounts().findByEmail("bob@example.org").orElseThrow().roles())
        .containsExactly("support");
    assertThat(userman.roles().list(10, null).items())
        .extracting(org.userman.role.Role::name)
        .containsExactly("admin", "support");
  }

  @Test
  void a_dry_run_reports_what_a_run_would_do_and_writes_nothing() {
    String file =
        "{\"email\":\"a@example.org\"}\n{\"email\":\"A@example.org\"}\n{\"email\":\"bad\"}\n";

    ImportSummary dry =
        importText(userman, file, ImportFormat.JSONL, new ImportOptions(true, false));

    assertThat(dry.dryRun()).isTrue();
    assertThat(List.of(dry.imported(), dry.skipped(), dry.failed())).containsExactly(1L, 1L, 1L);
    assertThat(userman.accounts().findByEmail("a@example.org")).isEmpty();
    ImportSummary real = importText(userman, file, ImportFormat.JSONL, IMPORT);
    assertThat(List.of(real.imported(), real.skipped(), real.failed())).containsExactly(1L, 1L, 1L);
  }

  @Test
  void plaintext_passwords_are_hashed_on_import_only_when_allowed() throws IOException {
    String file = "{\"email\":\"plain@example.org\",\"password\":\"a plaintext password\"}\n";
    assertThat(importText(userman, file, ImportFormat.JSONL, IMPORT).failed()).isEqualTo(1);

    ImportSummary allowed =
        importText(userman, file, ImportFormat.JSONL, new ImportOptions(false, true));

    assertThat(allowed.imported()).isEqualTo(1);
    assertThat(storedHash(userman, "plain@example.org")).startsWith("$argon2id$");
    assertThat(signIn(userman, "plain@example.org", "a plaintext password")).isNotNull();
  }

  @Test
  void csv_files_name_their_columns_in_a_header() throws IOException {
    String csv =
        "email,name,username,roles,email_verified,attributes,created_at,password_hash\n"
            + "ada@example.org,Ada Lovelace,ada,admin;support,true,\"{\"\"team\"\":\"\"engines\"\"}\","
            + "1843-09-01T00:00:00Z,pbkdf2_sha256$260000$mX9Nzm5GwrI9hnilxUeExy$ywY2gS1FqfD11ikqrzA37VxRsvMoX4HAcUx7X8cLiz0=\n"
            + "\"multi\nline@example.org\",,,,,,,\n"
            + "bob@example.org,Bob,,,false,,,\n"
            + "carol,Carol,,,,,,\n";

    ImportSummary summary = importText(userman, csv, ImportFormat.CSV, IMPORT);

    assertThat(summary.imported()).isEqualTo(2);
    assertThat(summary.problems()).extracting(ImportSummary.Problem::line).containsExactly(3L, 6L);
    User ada = userman.accounts().findByEmail("ada@example.org").orElseThrow();
    assertThat(ada.name()).isEqualTo("Ada Lovelace");
    assertThat(ada.username()).isEqualTo("ada");
    assertThat(ada.roles()).containsExactly("admin", "support");
    assertThat(ada.emailVerified()).isTrue();
    assertThat(ada.attributes().path("team").asText()).isEqualTo("engines");
    assertThat(ada.createdAt()).hasToString("1843-09-01T00:00:00Z");
    assertThat(signIn(userman, "ada", "correct horse battery staple")).isEqualTo(ada.id());
    assertThat(storedHash(userman, "ada@example.org")).startsWith("$argon2id$");

    assertThatThrownBy(
            () -> importText(userman, "email,mail\nx@example.org,y\n", ImportFormat.CSV, IMPORT))
        .isInstanceOf(UsermanException.class)
        .hasMessageContaining("unknown CSV column 'mail'");
  }

  @Test
  void a_keycloak_realm_export_moves_in_and_its_users_sign_in_with_their_keycloak_passwords()
      throws IOException {
    ImportSummary summary;
    // The two users' credentials are Keycloak's own (pbkdf2-sha256, 27,500 iterations), from a
    // public workshop's realm whose users sign in with the password "password".
    try (InputStream in =
        Objects.requireNonNull(getClass().getResourceAsStream("keycloak-realm.json"))) {
      summary =
          userman
              .transfers()
              .importUsers(
                  in, ImportFormat.KEYCLOAK, IMPORT, ImportProgress.NONE, Actor.COMMAND_LINE);
    }

    assertThat(summary.imported()).isEqualTo(2);
    assertThat(summary.problems())
        .extracting(ImportSummary.Problem::line)
        .containsExactly(42L, 50L);
    assertThat(summary.problems().get(0).reason()).contains("email");
    assertThat(summary.problems().get(1).reason()).contains("'md5' is not supported");
    User one = userman.accounts().findByEmail("user1@example.com").orElseThrow();
    assertThat(one.username()).isEqualTo("user1");
    assertThat(one.name()).isEqualTo("User One");
    assertThat(one.roles()).containsExactly("support");
    assertThat(one.emailVerified()).isTrue();
    assertThat(one.attributes().path("group").asText()).isEqualTo("users");
    assertThat(one.createdAt().toEpochMilli()).isEqualTo(1699281486619L);
    User two = userman.accounts().findByEmail("user2@solo.io").orElseThrow();
    assertThat(two.username()).isNull();
    assertThat(two.status()).isEqualTo(UserStatus.DISABLED);

    assertThat(signIn(userman, "user1", "password")).isEqualTo(one.id());
    assertThat(storedHash(userman, "user1@example.com")).startsWith("$argon2id$");
  }

  @Test
  void an_export_imports_into_an_empty_userman_unchanged() throws IOException {
    userman
        .accounts()
        .create(
            NewUser.of("made@example.org", Password.of("copper kettle under the stairs, 2026")),
            true,
            Actor.COMMAND_LINE);
    importText(
        userman,
        "{\"email\":\"legacy@example.org\",\"username\":\"legacy\",\"name\":\"Legacy\","
            + "\"roles\":[\"admin\"],\"attributes\":{\"plan\":\"pro\"},\"email_verified\":true,"
            + "\"password_hash\":\"$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a\"}\n",
        ImportFormat.JSONL,
        IMPORT);
    String exported = export(userman);
    assertThat(exported.lines()).hasSize(2);

    Userman empty = fresh();
    ImportSummary summary = importText(empty, exported, ImportFormat.JSONL, IMPORT);

    assertThat(summary.imported()).isEqualTo(2);
    assertThat(export(empty)).isEqualTo(exported);
    assertThat(signIn(empty, "made@example.org", "copper kettle under the stairs, 2026"))
        .isNotNull();
    assertThat(signIn(empty, "legacy", "rasmuslerdorf")).isNotNull();
  }
}
