package org.userman.mail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The texts of the mails Userman sends. Links point at the pages under the public URL. */
public final class Mails {
  private final String publicUrl;
  private final String product;

  public Mails(String publicUrl, String product) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.product = product;
  }

  public Mail verifyEmail(String to, String token, Duration ttl) {
    return new Mail(
        to,
        "Confirm your email address for " + product,
        """
        Please confirm that %s is your email address by opening this link:

        %s

        The link works once and expires in %s. If you did not ask for this, ignore this mail.

        Token: %s
        """
            .formatted(to, link("/verify-email", token), hours(ttl), token));
  }

  public Mail resetPassword(String to, String token, Duration ttl) {
    return new Mail(
        to,
        "Reset your " + product + " password",
        """
        Someone asked to reset the password of the %s account of %s. To choose a new password,
        open this link:

        %s

        The link works once and expires in %s. If you did not ask for this, ignore this mail:
        your password stays as it is.

        Token: %s
        """
            .formatted(product, to, link("/reset-password", token), hours(ttl), token));
  }

  private String link(String page, String token) {
    return publicUrl + page + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private static String hours(Duration ttl) {
    long h = ttl.toHours();
    return h >= 1 ? h + (h == 1 ? " hour" : " hours") : ttl.toMinutes() + " minutes";
  }
}
