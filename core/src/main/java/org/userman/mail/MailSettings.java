package org.userman.mail;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.userman.common.InvalidSettingException;

/**
 * How mail goes out: through {@code smtp} when set, else as files into {@code outbox}; from {@code
 * from}, naming the product {@code product}, from the built-in templates or those in {@code
 * templates} (null: built-in only).
 */
public record MailSettings(
    String from, String product, Path outbox, Path templates, SmtpSettings smtp) {
  public MailSettings {
    Objects.requireNonNull(outbox, "outbox");
    if (from == null) {
      throw new InvalidSettingException("mail.from", "is required");
    }
    try {
      new InternetAddress(from, true);
    } catch (AddressException e) {
      throw new InvalidSettingException(
          "mail.from", "must be an address such as Userman <no-reply@example.org>");
    }
    if (product == null || product.isBlank() || product.length() > 100) {
      throw new InvalidSettingException("product_name", "must be a name of 1 to 100 characters");
    }
    if (templates != null && !Files.isDirectory(templates)) {
      throw new InvalidSettingException("mail.templates", "must be a folder of mail templates");
    }
  }

  public static MailSettings outbox(Path outbox) {
    return new MailSettings("Userman <no-reply@localhost>", "Userman", outbox, null, null);
  }
}
