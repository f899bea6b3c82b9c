package org.userman.mail;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How mail goes out: through {@code smtp} when set, else as files into {@code outbox}; from
 * {@code from}, naming the product {@code product}, from the built-in templates or those in
 * {@code templates} (null: built-in only).
 */
public record MailSettings(String from, String product, Path outbox, Path templates, SmtpSettings smtp) {
  public MailSettings {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(product, "product");
    Objects.requireNonNull(outbox, "outbox");
  }

  public static MailSettings outbox(Path outbox) {
    return new MailSettings("Userman <no-reply@localhost>", "Userman", outbox, null, null);
  }
}
