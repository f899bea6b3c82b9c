package org.userman.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Spring Boot resource server, set up as docs/client.md tells, in front of a real Userman: it
 * accepts the tokens of Userman's users and service accounts, maps their {@code roles} to
 * authorities, and refuses what is not Userman's, was changed or has expired. The same app with
 * Spring's opaque-token support asks Userman's introspection endpoint instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringResourceServerIT {
  /** Userman's public URL: what its tokens name as issuer. Nothing answers there. */
  private static final String ISSUER = "http://accounts.userman.test";

  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern SECRET_LINE =
      Pattern.compile("(?m)^(client_id|client_secret): (\\S+)$");

  @TempDir static Path tmp;

  private final Http http = new Http();
  private final ShiftedClock clock = new ShiftedClock();
  private final List<AutoCloseable> running = new ArrayList<>();
  private UsermanJar jar;
  private UsermanNode userman;
  private String jwtApp;
  private String rolePropertiesApp;
  private String introspectionApp;

  private String clientId;
  private String clientSecret;
  private String adminId;
  private String adminToken;
  private String adaId;
  private String adaToken;
  private String serviceToken;

  /** A token of the service account asking only for its role reports:write (by scope). */
  private String reportsWriteToken;

  /** Ada's, signed by this Userman an hour ago, so expired. */
  private String expiredToken;

  /** Ada's at another Userman with the same public URL: the same issuer, another signing key. */
  private String otherKeyToken;

  /** The admin's, signed with this Userman's key while its public URL was another one. */
  private String otherIssuerToken;

  @BeforeAll
  void start() {
    jar = UsermanJar.packaged();
    running.add(jar);
    Path data = tmp.resolve("userman");
    // the first admin and a service account with a secret, as an operator automates it
    String init =
        jar.run(
            tmp,
            Map.of("USERMAN_DATA_DIR", data.toString()),
            PASSWORD + "\n",
            "init",
            "--admin-email",
            "admin@example.org",
            "--password-stdin",
            "--service-account",
            "reports",
            "--service-account-role",
            "reports:read",
            "--service-account-role",
            "reports:write");
    Matcher m = SECRET_LINE.matcher(init);
    while (m.find()) {
      if (m.group(1).equals("client_id")) {
        clientId = m.group(2);
      } else {
        clientSecret = m.group(2);
      }
    }
    assertThat(clientId).as(init).isNotNull();
    assertThat(clientSecret).as(init).startsWith("umsa_");

    // the same data, keys and admin under another public URL: its tokens differ only in iss
    try (UsermanNode renamed = node(data, "http://renamed.userman.test", clock)) {
      otherIssuerToken = signIn(renamed, "admin@example.org").path("access_token").asString();
    }
    // kept running to the end: it has Ada's verification mail to write
    UsermanNode other = node(tmp.resolve("other"), ISSUER, Clock.systemUTC());
    running.add(other);
    http.postJson(
        other.url() + "/api/v1/users",
        null,
        Map.of("email", "ada@example.org", "password", PASSWORD),
        201);
    otherKeyToken = signIn(other, "ada@example.org").path("access_token").asString();

    userman = node(data, ISSUER, clock);
    running.add(userman);
    JsonNode admin = signIn(userman, "admin@example.org");
    adminToken = admin.path("access_token").asString();
    adminId = admin.path("user").path("id").asString();
    adaId =
        http.postJson(
                userman.url() + "/api/v1/users",
                adminToken,
                Map.of("email", "ada@example.org", "password", PASSWORD, "name", "Ada"),
                201)
            .path("id")
            .asString();
    adaToken = signIn(userman, "ada@example.org").path("access_token").asString();
    serviceToken = clientCredentials(Map.of()).path("access_token").asString();
    reportsWriteToken =
        clientCredentials(Map.of("scope", "reports:write")).path("access_token").asString();
    clock.shift(Duration.ofHours(-1));
    try {
      expiredToken = signIn(userman, "ada@example.org").path("access_token").asString();
    } finally {
      clock.shift(Duration.ZERO);
    }

    jwtApp = spring();
    rolePropertiesApp = spring("--spring.profiles.active=role-properties");
    introspectionApp =
        spring(
            "--spring.profiles.active=introspection",
            "--userman.client-id=" + clientId,
            "--userman.client-secret=" + clientSecret);
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : running.reversed()) {
      c.close();
    }
  }

  /** The resource server takes Userman's JWTs, checked with the keys Userman publishes. */
  @Nested
  class Jwt {
    @Test
    void a_signed_in_users_token_is_accepted_and_names_the_user() {
      HttpResponse<String> res = http.get(jwtApp + "/hello", adaToken);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).isEqualTo(adaId);
    }

    @Test
    void a_user_without_the_role_is_forbidden() {
      assertStatus(jwtApp, "/admin", adaToken, 403);
      assertStatus(jwtApp, "/reports", adaToken, 403);
    }

    @Test
    void an_admins_role_admin_is_the_authority_ROLE_admin() {
      assertThat(http.get(jwtApp + "/hello", adminToken).body()).isEqualTo(adminId);
      assertStatus(jwtApp, "/admin", adminToken, 200);
      assertStatus(jwtApp, "/reports", adminToken, 403);
    }

    @Test
    void a_service_accounts_client_credentials_token_is_accepted_with_its_roles() {
      HttpResponse<String> res = http.get(jwtApp + "/hello", serviceToken);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).isEqualTo(clientId);
      assertStatus(jwtApp, "/reports", serviceToken, 200);
      assertStatus(jwtApp, "/admin", serviceToken, 403);
    }

    @Test
    void a_token_granted_for_a_narrower_scope_carries_only_those_roles() {
      assertStatus(jwtApp, "/hello", reportsWriteToken, 200);
      assertStatus(jwtApp, "/reports", reportsWriteToken, 403);
    }

    @Test
    void no_token_is_refused_with_a_bearer_challenge() {
      HttpResponse<String> res = http.get(jwtApp + "/hello", null);
      assertThat(res.statusCode()).isEqualTo(401);
      assertThat(res.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }

    @Test
    void a_token_of_another_userman_is_refused_though_it_names_the_same_issuer() {
      assertThat(claims(otherKeyToken).path("iss").asString()).isEqualTo(ISSUER);
      assertRefused(jwtApp, "/hello", otherKeyToken, "no matching key");
    }

    @Test
    void a_token_naming_another_issuer_is_refused_though_this_userman_signed_it() {
      assertThat(claims(otherIssuerToken).path("iss").asString())
          .isEqualTo("http://renamed.userman.test");
      assertRefused(jwtApp, "/hello", otherIssuerToken, "iss");
      assertRefused(jwtApp, "/admin", otherIssuerToken, "iss");
    }

    @Test
    void a_changed_token_is_refused() {
      String promoted = withClaims(adaToken, c -> c.putArray("roles").add("admin"));
      assertRefused(jwtApp, "/hello", promoted, "Invalid signature");
      assertRefused(jwtApp, "/admin", promoted, "Invalid signature");
      String unsigned =
          base64(Http.JSON.writeValueAsBytes(Map.of("alg", "none")))
              + "."
              + adaToken.split("\\.", -1)[1]
              + ".";
      assertRefused(jwtApp, "/hello", unsigned, "none");
    }

    @Test
    void an_expired_token_is_refused() {
      // long past Spring's allowance for clock skew (60 s)
      assertThat(Instant.ofEpochSecond(claims(expiredToken).path("exp").asLong()))
          .isBefore(Instant.now().minus(Duration.ofMinutes(30)));
      assertRefused(jwtApp, "/hello", expiredToken, "expired");
    }
  }

  /** Spring Boot's settings map the roles, with no converter of the application's. */
  @Nested
  class RolesBySettings {
    @Test
    void roles_become_authorities() {
      assertStatus(rolePropertiesApp, "/admin", adminToken, 200);
      assertStatus(rolePropertiesApp, "/reports", serviceToken, 200);
      assertStatus(rolePropertiesApp, "/admin", serviceToken, 403);
      assertStatus(rolePropertiesApp, "/admin", adaToken, 403);
      assertThat(http.get(rolePropertiesApp + "/hello", adaToken).body()).isEqualTo(adaId);
    }
  }

  /** The resource server asks Userman's introspection endpoint about every token. */
  @Nested
  class Introspection {
    @Test
    void an_api_key_names_its_user_and_carries_no_roles() {
      // a new key needs a recent sign-in
      String session = signIn(userman, "admin@example.org").path("access_token").asString();
      String key =
          http.postJson(
                  userman.url() + "/api/v1/me/api-keys", session, Map.of("name", "spring"), 201)
              .path("key")
              .asString();
      HttpResponse<String> res = http.get(introspectionApp + "/hello", key);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).isEqualTo(adminId);
      // Userman's answer for an API key names the user and not the roles (docs/client.md)
      assertStatus(introspectionApp, "/admin", key, 403);
    }

    @Test
    void access_tokens_are_accepted_with_their_roles() {
      assertStatus(introspectionApp, "/admin", adminToken, 200);
      assertStatus(introspectionApp, "/reports", serviceToken, 200);
      assertStatus(introspectionApp, "/admin", adaToken, 403);
      assertThat(http.get(introspectionApp + "/hello", serviceToken).body()).isEqualTo(clientId);
    }

    @Test
    void a_client_secret_as_bearer_acts_as_its_service_account() {
      assertThat(http.get(introspectionApp + "/hello", clientSecret).body()).isEqualTo(clientId);
      assertStatus(introspectionApp, "/reports", clientSecret, 200);
    }

    @Test
    void what_userman_does_not_vouch_for_is_refused() {
      for (String token :
          List.of(
              "not-a-token",
              expiredToken,
              otherKeyToken,
              otherIssuerToken,
              withClaims(adaToken, c -> c.put("sub", adminId)))) {
        assertRefused(introspectionApp, "/hello", token, "isn't active");
      }
    }
  }

  /**
   * As docs/client.md says: a JWT stays valid until it expires, even after its session signs out; a
   * service that must see a sign-out at once asks Userman.
   */
  @Test
  void a_sign_out_is_seen_at_once_through_introspection_and_at_expiry_through_the_jwt() {
    String token = signIn(userman, "ada@example.org").path("access_token").asString();
    assertStatus(introspectionApp, "/hello", token, 200);
    assertThat(http.delete(userman.url() + "/api/v1/sessions/current", token).statusCode())
        .isEqualTo(204);
    assertRefused(introspectionApp, "/hello", token, "isn't active");
    assertStatus(jwtApp, "/hello", token, 200);
  }

  private void assertStatus(String app, String path, String token, int status) {
    HttpResponse<String> res = http.get(app + path, token);
    assertThat(res.statusCode())
        .as("GET %s: %s %s", path, res.headers().map(), res.body())
        .isEqualTo(status);
  }

  /** 401, with RFC 6750's challenge, and Spring's reason for it. */
  private void assertRefused(String app, String path, String token, String reason) {
    HttpResponse<String> res = http.get(app + path, token);
    assertThat(res.statusCode()).as("GET %s: %s", path, res.body()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(
            v -> assertThat(v).startsWith("Bearer error=\"invalid_token\"").contains(reason));
  }

  /**
   * A node on {@code data} whose tokens name {@code issuer}, open to registration (Ada signs up at
   * the other one); limits are off, since the clock jumps.
   */
  private UsermanNode node(Path data, String issuer, Clock clock) {
    return jar.serve(
        Map.of(
            "USERMAN_HTTP_HOST", "127.0.0.1",
            "USERMAN_HTTP_PORT", "0",
            "USERMAN_DATA_DIR", data.toString(),
            "USERMAN_PUBLIC_URL", issuer,
            "USERMAN_REGISTRATION", "open",
            "USERMAN_LIMITS_ENABLED", "false"),
        clock);
  }

  private JsonNode signIn(UsermanNode node, String email) {
    return http.postJson(
        node.url() + "/api/v1/sessions", null, Map.of("email", email, "password", PASSWORD), 201);
  }

  private JsonNode clientCredentials(Map<String, String> more) {
    Map<String, String> form = new HashMap<>(more);
    form.put("grant_type", "client_credentials");
    return http.postForm(userman.url() + "/oauth2/token", clientId, clientSecret, form, 200);
  }

  /** Starts the resource server against this Userman; gives its address. */
  private String spring(String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=warn",
                "--userman.issuer=" + ISSUER,
                "--userman.url=" + userman.url()));
    args.addAll(List.of(settings));
    ConfigurableApplicationContext app =
        new SpringApplication(ResourceServerApp.class).run(args.toArray(String[]::new));
    running.add(app);
    return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  private static ObjectNode claims(String jwt) {
    return (ObjectNode) Http.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.", -1)[1]));
  }

  /** The token with its claims changed and its signature kept. */
  private static String withClaims(String jwt, Consumer<ObjectNode> change) {
    String[] parts = jwt.split("\\.", -1);
    ObjectNode claims = claims(jwt);
    change.accept(claims);
    return parts[0] + "." + base64(Http.JSON.writeValueAsBytes(claims)) + "." + parts[2];
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
