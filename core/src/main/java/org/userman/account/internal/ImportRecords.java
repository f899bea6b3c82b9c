package org.userman.account.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.password.Password;
import org.userman.password.internal.LegacyHash;
import org.userman.password.internal.PasswordHasher;

/**
 * One imported record's fields, checked by the rules every account follows, made into the user to
 * insert and the password hash to store. The fields are the export's: a file that Userman exported
 * imports back as it was.
 */
final class ImportRecords {
  static final Set<String> FIELDS =
      Set.of(
          "id",
          "email",
          "username",
          "name",
          "status",
          "email_verified",
          "roles",
          "attributes",
          "created_at",
          "password_hash",
          "password");

  /**
   * A record ready to insert: the user, its password hash (null: no password yet), and whether its
   * id came from the file (else it is new, made here, and no account can hold it yet).
   */
  record Candidate(User user, String passwordHash, boolean idGiven) {}

  /** Why a record cannot be imported: the rules it breaks, field by field. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(List<FieldError> errors) {
      super(
          errors.stream()
              .map(e -> e.field() + ": " + e.message())
              .collect(Collectors.joining("; ")),
          null,
          false,
          false);
    }
  }

  private final AccountStore store;
  private final PasswordHasher hasher;
  private final ObjectMapper json;
  private final Supplier<String> ids;

  ImportRecords(
      AccountStore store, PasswordHasher hasher, ObjectMapper json, Supplier<String> ids) {
    this.store = store;
    this.hasher = hasher;
    this.json = json;
    this.ids = ids;
  }

  /** The user {@code fields} describe; {@link Refused} with every rule they break. */
  Candidate read(ObjectNode fields, boolean allowPlaintext, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    fields
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                errors.add(new FieldError(f, "unknown_field", "is not a field of an import"));
              }
            });
    String id = text(fields, "id", errors);
    if (id != null && !Identifiers.looksLikeId(id)) {
      errors.add(FieldError.invalidFormat("id", "is not a Userman id"));
    }
    String email = text(fields, "email", errors);
    Email.check("email", email).ifPresent(errors::add);
    String username = text(fields, "username", errors);
    UserFields.checkUsername(errors, username);
    String name = text(fields, "name", errors);
    UserFields.checkName(errors, name);

    UserStatus status = UserStatus.ACTIVE;
    String statusText = text(fields, "status", errors);
    if (statusText != null) {
      status = UserStatus.parse(statusText).orElse(null);
      if (status == null) {
        errors.add(FieldError.invalidFormat("status", "is not a status"));
      }
    }
    boolean verified = false;
    JsonNode v = fields.get("email_verified");
    if (v != null && !v.isNull()) {
      if (!v.isBoolean()) {
        errors.add(FieldError.invalidFormat("email_verified", "must be true or false"));
      }
      verified = v.asBoolean();
    }
    List<String> roles = new ArrayList<>();
    JsonNode r = fields.get("roles");
    if (r != null && !r.isNull()) {
      if (!r.isArray()) {
        errors.add(FieldError.invalidFormat("roles", "must be a list of role names"));
      } else {
        r.forEach(role -> roles.add(role.isTextual() ? role.asText() : role.toString()));
      }
    }
    UserFields.checkRoles(errors, roles);
    ObjectNode attributes = json.createObjectNode();
    JsonNode a = fields.get("attributes");
    if (a != null && !a.isNull()) {
      if (a instanceof ObjectNode o) {
        attributes = o;
        UserFields.checkAttributes(errors, store, o);
      } else {
        errors.add(FieldError.invalidFormat("attributes", "must be a JSON object"));
      }
    }
    Instant created = now;
    String createdText = text(fields, "created_at", errors);
    if (createdText != null) {
      try {
        created = Instant.parse(createdText);
      } catch (DateTimeParseException e) {
        errors.add(FieldError.invalidFormat("created_at", "must be an RFC 3339 time in UTC"));
      }
    }
    String hash = text(fields, "password_hash", errors);
    String plaintext = text(fields, "password", errors);
    if (hash != null && plaintext != null) {
      errors.add(FieldError.invalidFormat("password", "give password_hash or password, not both"));
    } else if (hash != null) {
      try {
        hasher.requireUsable(hash);
      } catch (LegacyHash.UnusableHashException e) {
        errors.add(FieldError.invalidFormat("password_hash", e.getMessage()));
      }
    } else if (plaintext != null && !allowPlaintext) {
      errors.add(
          FieldError.invalidFormat(
              "password", "a plaintext password is imported only when plaintext is allowed"));
    }
    if (!errors.isEmpty()) {
      throw new Refused(errors);
    }
    if (plaintext != null) {
      hash = hasher.hash(Password.of(plaintext));
    }
    Email e = Email.parse("email", email);
    User user =
        new User(
            id != null ? id : ids.get(),
            e.value(),
            verified,
            username == null ? null : Username.normalize(username),
            UserFields.cleanName(name),
            status,
            List.copyOf(new TreeSet<>(roles)),
            attributes,
            created,
            now,
            null);
    return new Candidate(user, hash, id != null);
  }

  private static String text(ObjectNode fields, String field, List<FieldError> errors) {
    JsonNode n = fields.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      errors.add(FieldError.invalidFormat(field, "must be a string"));
      return null;
    }
    return n.asText();
  }
}
