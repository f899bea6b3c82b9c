package org.userman.mail;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The mails Userman sends, from Pebble templates: for each mail a {@code .subject}, a plain-text
 * {@code .txt} and an {@code .html} part. An operator overrides any of them by putting a file of
 * the same name in the templates folder ({@code mail.templates}); the rest come from the program.
 * Links point at the pages under the public URL. The engines are built for the first mail, not at
 * start-up, where Pebble would cost every server and every command some 50 ms.
 */
public final class MailTemplates {
  private final Path overrides;
  private final String publicUrl;
  private final String product;
  private Engines engines;

  /** Plain text is not escaped; HTML is. */
  private record Engines(PebbleEngine text, PebbleEngine html) {}

  public MailTemplates(Path overrides, String publicUrl, String product) {
    this.overrides = overrides;
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.product = product;
  }

  private synchronized Engines engines() {
    if (engines == null) {
      engines = new Engines(
          new PebbleEngine.Builder().loader(loader(overrides)).autoEscaping(false).strictVariables(true).build(),
          new PebbleEngine.Builder().loader(loader(overrides)).autoEscaping(true).strictVariables(true).build());
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
    return render("verify-email", to, link("/verify-email", token), token, ttl);
  }

  public Mail resetPassword(String to, String token, Duration ttl) {
    return render("reset-password", to, link("/reset-password", token), token, ttl);
  }

  private Mail render(String name, String to, String link, String token, Duration ttl) {
    Map<String, Object> vars = Map.of(
        "product", product, "publicUrl", publicUrl, "to", to, "link", link, "token", token, "expires", duration(ttl));
    Engines e = engines();
    return new Mail(to, evaluate(e.text(), name + ".subject", vars).strip(), evaluate(e.text(), name + ".txt", vars),
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
    return h >= 1 ? h + (h == 1 ? " hour" : " hours") : ttl.toMinutes() + " minutes";
  }
}
