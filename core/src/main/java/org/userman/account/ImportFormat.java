package org.userman.account;

import java.util.Locale;
import java.util.Optional;

/** The files {@link UserTransfers#importUsers} reads. */
public enum ImportFormat {
  /** One JSON object a line, with the fields {@link UserTransfers#exportUsers} writes. */
  JSONL,
  /** A header line naming the columns (the JSON Lines fields), then one user a line. */
  CSV,
  /** A Keycloak realm export ({@code "users"} with their credentials). */
  KEYCLOAK;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ImportFormat> fromCode(String code) {
    for (ImportFormat f : values()) {
      if (f.code().equals(code)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
