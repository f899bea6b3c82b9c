package org.userman.apiclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.userman.apiclient.generated.ApiClient;
import org.userman.apiclient.generated.ApiException;
import org.userman.apiclient.generated.api.MeApi;
import org.userman.apiclient.generated.api.SessionsApi;
import org.userman.apiclient.generated.model.Login;
import org.userman.apiclient.generated.model.Tokens;
import org.userman.apiclient.generated.model.User;
import org.userman.server.support.TestServer;

/**
 * A client generated from the served OpenAPI document (openapi-generator's Java client, generated
 * in this module's build) signs in, reads /me and signs out against a running node.
 */
class GeneratedClientTest {

  private static ApiClient client(TestServer s, String bearer) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(s.uri("").toString().replaceAll("/$", ""));
    if (bearer != null) {
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + bearer));
    }
    return client;
  }

  @Test
  void a_generated_client_signs_in_reads_me_and_signs_out() throws ApiException {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Tokens tokens =
          new SessionsApi(client(s, null))
              .signIn(new Login().email("ada@example.org").password(TestServer.PASSWORD));
      assertThat(tokens.getAccessToken()).isNotBlank();
      assertThat(tokens.getRefreshToken()).isNotBlank();

      ApiClient signedIn = client(s, tokens.getAccessToken());
      User me = new MeApi(signedIn).getMe();
      assertThat(me.getEmail()).isEqualTo("ada@example.org");
      assertThat(me.getId()).isEqualTo(tokens.getUser().getId());

      new SessionsApi(signedIn).signOut();
      assertThatThrownBy(() -> new MeApi(signedIn).getMe())
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
  }

  @Test
  void the_generated_client_reads_a_problem_as_an_error() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      assertThatThrownBy(
              () ->
                  new SessionsApi(client(s, null))
                      .signIn(new Login().email("nobody@example.org").password("wrong password")))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(401);
                assertThat(e.getResponseBody()).contains("\"code\":\"invalid_credentials\"");
              });
    }
  }
}
