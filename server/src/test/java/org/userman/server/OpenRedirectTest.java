package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/**
 * A return path ({@code next} on /login) is followed only when it stays on this site as a browser
 * reads it (WHATWG URL: tabs and newlines removed, backslashes read as slashes, control characters
 * and spaces trimmed at the ends); anything else leads to /account.
 */
class OpenRedirectTest {
  /** Values a browser would follow to another site, in every spelling the review found. */
  private static final List<String> ELSEWHERE =
      List.of(
          "//evil.example/x",
          "https://evil.example",
          "/\\evil.example",
          "\\\\evil.example",
          "/\t/evil.example",
          "/\n/evil.example",
          "/\r/evil.example",
          "\t//evil.example",
          " //evil.example",
          "\u0001//evil.example",
          "//evil.example\u0000",
          "/\\/evil.example",
          "\\/evil.example",
          "http:evil.example",
          "https:/evil.example",
          "HTTPS://evil.example",
          "javascript:alert(1)",
          "http://userman.test@evil.example/",
          "http://evil.example#@userman.test/",
          "/\t\\evil.example",
          "///evil.example");

  @Test
  void a_signed_in_visitor_is_never_sent_to_another_site() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      for (String next : ELSEWHERE) {
        Resp r = v.get("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        assertThat(r.status()).as(next).isEqualTo(303);
        assertLocal(next, r.header("Location"));
      }
    }
  }

  @Test
  void signing_in_never_sends_the_visitor_to_another_site() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      for (String next : ELSEWHERE) {
        Visitor v = new Visitor(s, "");
        Resp in =
            v.post(
                "/login",
                "login",
                "ada@example.org",
                "password",
                TestServer.PASSWORD,
                "next",
                next);
        assertThat(in.status()).as(next).isEqualTo(303);
        assertLocal(next, in.header("Location"));
      }
    }
  }

  @Test
  void paths_on_this_site_and_its_own_absolute_urls_are_followed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      for (List<String> c :
          List.of(
              List.of("/account?tab=keys", "/account?tab=keys"),
              List.of("/admin/users?q=b%C3%A9", "/admin/users?q=b%C3%A9"),
              List.of("http://userman.test/account#keys", "/account#keys"),
              List.of("/account\t", "/account"),
              List.of("/caf\u00e9", "/caf%C3%A9"))) {
        Resp r = v.get("/login?next=" + URLEncoder.encode(c.get(0), StandardCharsets.UTF_8));
        assertThat(r.header("Location")).as(c.get(0)).isEqualTo(c.get(1));
      }
    }
  }

  @Test
  void a_control_character_in_next_is_no_server_error() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      for (String next : List.of("/acc\u0001ount", "/a\u007fb", "/\u0000", "/x\u2028y")) {
        Resp r = v.get("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        assertThat(r.status()).as(next).isEqualTo(303);
        assertLocal(next, r.header("Location"));
      }
      assertThat(s.log).noneMatch(line -> line.contains("ERROR"));
    }
  }

  /** Where a browser at http://userman.test/login goes with this Location: this site. */
  private static void assertLocal(String next, String location) {
    assertThat(location).as(next).isNotNull();
    assertThat(location.chars())
        .as("printable ASCII only: " + location)
        .allMatch(c -> c > 0x20 && c < 0x7f);
    String asBrowser = location.replaceAll("[\t\n\r]", "").replace('\\', '/');
    URI resolved = URI.create("http://userman.test/login").resolve(URI.create(asBrowser));
    assertThat(resolved.getScheme()).as(next + " -> " + location).isEqualTo("http");
    assertThat(resolved.getRawAuthority()).as(next + " -> " + location).isEqualTo("userman.test");
    assertThat(location).as(next).startsWith("/").doesNotStartWith("//");
  }
}
