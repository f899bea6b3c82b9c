package org.userman.mail.internal;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.loader.DelegatingLoader;
import io.pebbletemplates.pebble.loader.FileLoader;
import io.pebbletemplates.pebble.loader.Loader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mails Userman sends, from Pebble templates: for each mail a {@code .subject}, a plain-text
 * {@code .txt} and an {@code .html} part. An operator overrides any of them by putting a file of
 * the same name in the templates folder ({@code mail.templates}); the rest come from the program.
 * Links point at the pages under the public URL. The engines are built for the first mail, not at
 * start-up, where building Pebble would slow every server and every command.
 */
public final class MailTemplates {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", java.util.Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private final Path overrides;
  private final String publicUrl;
  private final String product;
  private Engines engines;

  /** Plain text is not escaped; HTML is. */
  private record Engines(PebbleEngine text, PebbleEngine html) {}

  public MailTemplates(Path overrides, String publicUrl, String product) {
    this.overrides = overrides;
    this.publicUrl =
        publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.product = product;
  }

  private synchronized Engines engines() {
    if (engines == null) {
      engines =
          new Engines(
              new PebbleEngine.Builder()
                  .loader(loader(overrides))
                  .autoEscaping(false)
                  .strictVariables(true)
                  .build(),
              new PebbleEngine.Builder()
                  .loader(loader(overrides))
                  .autoEscaping(true)
                  .strictVariables(true)
                  .build());
    }
    return engines;
  }

  private static Loader<?> loader(Path overrides) {
    List<Loader<?>> loaders = new ArrayList<>();
    if (overrides != null) {
      FileLoader files = new FileLoader();
      files.setPrefix(overrides.toAbsolutePath().toString());
      loaders.add(files);
    }
    ClasspathLoader builtIn = new ClasspathLoader(MailTemplates.class.getClassLoader());
    builtIn.setPrefix("mail");
    loaders.add(builtIn);
    return new DelegatingLoader(loaders);
  }

  public Mail verifyEmail(String to, String token, Duration ttl) {
    return withToken("verify-email", to, link("/verify-email", token), token, ttl);
  }

  public Mail resetPassword(String to, String token, Duration ttl) {
    return withToken("reset-password", to, link("/reset-password", token), token, ttl);
  }

  /**
   * An invitation to join {@code organization}: a link to the page where the signed-in invitee
   * accepts it (registering first, with this address, when they have no account).
   */
  public Mail organizationInvitation(String to, String organization, String token, Duration ttl) {
    return render(
        "organization-invitation",
        to,
        Map.of(
            "organization",
            organization,
            "link",
            link("/invitations/accept", token),
            "token",
            token,
            "expires",
            duration(ttl),
            "registerLink",
            publicUrl + "/register"));
  }

  /**
   * To the address the account had, once it has another: no link, nothing to act on but a warning.
   */
  public Mail emailChanged(String oldAddress, String newAddress) {
    return render("email-changed", oldAddress, Map.of("newEmail", newAddress));
  }

  /**
   * The password was changed by its owner ({@code reset} false) or through a reset; or set by an
   * operator.
   */
  public Mail passwordChanged(String to, boolean reset, boolean byOperator) {
    return render(
        "password-changed",
        to,
        Map.of("how", reset ? "reset" : "changed", "byOperator", byOperator));
  }

  public Mail apiKeyCreated(String to, String keyName, String keyPrefix, Instant expiresAt) {
    return render(
        "api-key-created",
        to,
        Map.of(
            "keyName",
            keyName,
            "keyPrefix",
            keyPrefix,
            "hasExpiry",
            expiresAt != null,
            "expires",
            expiresAt == null ? "" : WHEN.format(expiresAt)));
  }

  /** The sign-in limit refuses the account for about {@code period}. */
  public Mail accountLocked(String to, Duration period) {
    return render("account-locked", to, Map.of("period", duration(period)));
  }

  /** See {@link Notices#secondFactorChanged}. */
  public Mail secondFactorChanged(String to, String change) {
    return render("second-factor-changed", to, Map.of("change", change));
  }

  public Mail recoveryCodeUsed(String to, int left) {
    return render("recovery-code-used", to, Map.of("left", left));
  }

  private Mail withToken(String name, String to, String link, String token, Duration ttl) {
    return render(name, to, Map.of("link", link, "token", token, "expires", duration(ttl)));
  }

  private Mail render(String name, String to, Map<String, Object> specific) {
    Map<String, Object> vars = new HashMap<>(specific);
    vars.put("product", product);
    vars.put("publicUrl", publicUrl);
    vars.put("to", to);
    Engines e = engines();
    return new Mail(
        to,
        evaluate(e.text(), name + ".subject", vars).strip(),
        evaluate(e.text(), name + ".txt", vars),
        evaluate(e.html(), name + ".html", vars));
  }

  private static String evaluate(PebbleEngine engine, String template, Map<String, Object> vars) {
    StringWriter out = new StringWriter();
    try {
      engine.getTemplate(template).evaluate(out, vars);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the mail template " + template, e);
    }
    return out.toString();
  }

  private String link(String page, String token) {
    return publicUrl + page + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private static String duration(Duration ttl) {
    long h = ttl.toHours();
    long m = ttl.toMinutes();
    if (h >= 48 && h % 24 == 0) {
      return h / 24 + " days";
    }
    return h >= 1 ? h + (h == 1 ? " hour" : " hours") : m == 1 ? "1 minute" : m + " minutes";
  }
}
