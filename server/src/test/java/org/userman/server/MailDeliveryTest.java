package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.userman.mail.MailQueue;
import org.userman.server.support.Mails;
import org.userman.server.support.Resp;
import org.userman.server.support.TcpProxy;
import org.userman.server.support.TestServer;

/**
 * Mail through a real SMTP server (GreenMail in this JVM): multipart, durable, retried, and visible
 * when it fails.
 */
class MailDeliveryTest {
  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  @Test
  void mail_goes_out_over_smtp_as_text_and_html_with_links_to_the_pages() throws Exception {
    try (TestServer s =
        TestServer.start(
            smtpAt(
                SMTP.getSmtp().getPort(),
                "USERMAN_PRODUCT_NAME=Acme Accounts",
                "USERMAN_MAIL_FROM=Acme <accounts@acme.test>"))) {
      s.register("ada@example.org");
      s.userman().mailQueue().sendDue();
      assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
      MimeMessage mail = SMTP.getReceivedMessages()[0];
      assertThat(mail.getSubject()).isEqualTo("Confirm your email address for Acme Accounts");
      assertThat(mail.getFrom()[0].toString()).isEqualTo("Acme <accounts@acme.test>");
      MimeMultipart parts = (MimeMultipart) mail.getContent();
      assertThat(parts.getContentType()).startsWith("multipart/alternative");
      String text = Mails.part(parts, "text/plain");
      String html = Mails.part(parts, "text/html");
      assertThat(text)
          .contains("http://userman.test/verify-email?token=")
          .containsPattern("Token: \\S+");
      assertThat(html)
          .contains("href=\"http://userman.test/verify-email?token=")
          .contains("Acme Accounts");
      String token =
          text.lines()
              .filter(l -> l.startsWith("Token: "))
              .findFirst()
              .orElseThrow()
              .substring(7)
              .strip();
      assertThat(s.post("/api/v1/email-verifications/confirm", obj("token", token)).status())
          .isEqualTo(200);
    }
  }

  @Test
  void a_queued_mail_survives_an_smtp_outage_and_a_restart_and_is_retried() {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", SMTP.getSmtp().getPort());
        TestServer s = TestServer.start(smtpAt(proxy.port()))) {
      proxy.cut();
      s.register("ada@example.org");
      s.userman().mailQueue().sendDue();
      String admin = s.adminToken("root@example.org");
      JsonNode pending =
          s.get("/api/v1/admin/mail-queue?status=pending", admin).json().path("items").get(0);
      assertThat(pending.path("to").asText()).isEqualTo("ada@example.org");
      assertThat(pending.path("attempts").asInt()).isEqualTo(1);
      assertThat(pending.path("last_error").asText()).isNotEmpty();

      s.restart();
      proxy.restore();
      assertThat(s.userman().mailQueue().sendDue())
          .as("not yet due: the first retry waits 30 s")
          .isZero();
      s.clock.advance(Duration.ofSeconds(31));
      s.userman().mailQueue().sendDue(); // or the node's own sender, whichever comes first
      assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
      assertThat(GreenMailUtil.getBody(SMTP.getReceivedMessages()[0]))
          .contains("verify-email?token=");
      JsonNode sent =
          s.get("/api/v1/admin/mail-queue?status=sent", admin).json().path("items").get(0);
      assertThat(sent.path("attempts").asInt()).isEqualTo(2);
      assertThat(sent.path("sent_at").isNull()).isFalse();
    }
  }

  @Test
  void a_mail_that_keeps_failing_is_marked_failed_for_admins_without_its_body() {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", SMTP.getSmtp().getPort());
        TestServer s = TestServer.start(smtpAt(proxy.port()))) {
      proxy.cut();
      s.register("ada@example.org");
      for (int i = 0; i < MailQueue.MAX_ATTEMPTS; i++) {
        s.userman().mailQueue().sendDue();
        s.clock.advance(Duration.ofHours(2));
      }
      String admin = s.adminToken("root@example.org");
      Resp failed = s.get("/api/v1/admin/mail-queue?status=failed", admin);
      assertThat(failed.json().path("items")).hasSize(1);
      JsonNode mail = failed.json().path("items").get(0);
      assertThat(mail.path("attempts").asInt()).isEqualTo(MailQueue.MAX_ATTEMPTS);
      assertThat(mail.path("last_error").asText()).isNotEmpty();
      assertThat(failed.raw()).doesNotContain("Token:", "token=");
      assertThat(s.get("/api/v1/admin/mail-queue?status=pending", admin).json().path("items"))
          .isEmpty();
      assertThat(s.get("/api/v1/admin/mail-queue?status=bogus", admin).code())
          .isEqualTo("validation_failed");
      s.call(
          "POST",
          "/api/v1/users",
          obj("email", "bob@example.org", "password", TestServer.PASSWORD, "email_verified", true),
          admin);
      assertThat(s.get("/api/v1/admin/mail-queue", s.accessToken("bob@example.org")).code())
          .as("admins only")
          .isEqualTo("forbidden");
    }
  }

  @Test
  void the_waiting_mail_and_its_failed_deliveries_show_in_the_metrics() {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", SMTP.getSmtp().getPort());
        TestServer s =
            TestServer.start(
                smtpAt(
                    proxy.port(),
                    "USERMAN_METRICS_PORT=0",
                    "USERMAN_METRICS_TOKEN=" + MetricsTest.TOKEN))) {
      proxy.cut();
      s.register("ada@example.org");
      s.userman().awaitIdle(Duration.ofSeconds(10));
      s.userman().mailQueue().sendDue();
      s.clock.advance(Duration.ofSeconds(20)); // before the first retry (30 s): nothing is due
      MetricsTest.Scrape waiting = MetricsTest.scrape(s);
      assertThat(waiting.sum("userman_mail_queue_depth")).isEqualTo(1);
      assertThat(waiting.sum("userman_mail_queue_oldest_age_seconds")).isEqualTo(20);
      assertThat(waiting.sum("userman_mail_failures_total", "outcome", "retry")).isEqualTo(1);
      assertThat(waiting.sum("userman_mail_failures_total", "outcome", "gave_up")).isZero();

      for (int i = 1; i < MailQueue.MAX_ATTEMPTS; i++) {
        s.clock.advance(Duration.ofHours(2));
        s.userman().mailQueue().sendDue();
      }
      MetricsTest.Scrape failed = MetricsTest.scrape(s);
      assertThat(failed.sum("userman_mail_failures_total", "outcome", "retry"))
          .isEqualTo(MailQueue.MAX_ATTEMPTS - 1);
      assertThat(failed.sum("userman_mail_failures_total", "outcome", "gave_up")).isEqualTo(1);
      assertThat(failed.sum("userman_mail_queue_depth")).as("a failed mail waits no more").isZero();
      assertThat(failed.sum("userman_mail_queue_oldest_age_seconds")).isZero();
    }
  }

  @Test
  void operators_override_mail_templates_in_a_folder() throws IOException {
    Path templates = Files.createTempDirectory("userman-templates");
    Files.writeString(
        templates.resolve("verify-email.txt"),
        "Welcome to {{ product }}! Confirm here: {{ link }}\nToken: {{ token }}\n");
    try (TestServer s = TestServer.start("USERMAN_MAIL_TEMPLATES=" + templates)) {
      s.register("ada@example.org");
      String mail = s.mailsTo("ada@example.org").get(0);
      assertThat(mail)
          .contains("Welcome to Userman! Confirm here: http://userman.test/verify-email?token=");
      assertThat(mail).contains("text/html").contains("Confirm my email address");
    }
  }

  /** Settings for a node that sends through the SMTP server on {@code port}. */
  private static String[] smtpAt(int port, String... more) {
    String[] base = {
      "USERMAN_REGISTRATION=verify",
      "USERMAN_SMTP_HOST=127.0.0.1",
      "USERMAN_SMTP_PORT=" + port,
      "USERMAN_SMTP_SECURITY=none"
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
