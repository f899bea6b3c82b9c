package org.userman.account.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.role.Roles;

/** The rules of the user's own fields, shared by creation and every kind of update. */
final class UserFields {
  static final int MAX_NAME = 200;
  static final int MAX_ATTRIBUTES_BYTES = 16 * 1024;

  private UserFields() {}

  /**
   * A name is at most {@link #MAX_NAME} characters as stored (after NFKC, which may make one
   * character eighteen) and as folded for search (where ß becomes ss).
   */
  static void checkName(List<FieldError> errors, String name) {
    if (name == null) {
      return;
    }
    String clean = cleanName(name);
    if (Text.length(clean) > MAX_NAME || Text.length(Text.fold(clean)) > MAX_NAME) {
      errors.add(FieldError.tooLong("name", MAX_NAME));
    } else if (!Text.isPrintable(clean)) {
      errors.add(
          FieldError.invalidFormat(
              "name", "control characters and lone surrogates are not allowed"));
    }
  }

  static void checkUsername(List<FieldError> errors, String username) {
    if (username != null) {
      Username.check("username", username).ifPresent(errors::add);
    }
  }

  static void checkAttributes(List<FieldError> errors, AccountStore store, ObjectNode attributes) {
    if (attributes == null) {
      return;
    }
    if (hasLoneSurrogate(attributes)) {
      errors.add(FieldError.invalidFormat("attributes", "a key or string holds a lone surrogate"));
    } else if (store.write(attributes).getBytes(StandardCharsets.UTF_8).length
        > MAX_ATTRIBUTES_BYTES) {
      errors.add(
          new FieldError("attributes", "too_long", "attributes may hold at most 16 KiB of JSON"));
    }
  }

  private static boolean hasLoneSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return Text.hasLoneSurrogate(node.textValue());
    }
    if (node.isObject()) {
      for (var e : node.properties()) {
        if (Text.hasLoneSurrogate(e.getKey()) || hasLoneSurrogate(e.getValue())) {
          return true;
        }
      }
      return false;
    }
    for (JsonNode child : node) {
      if (hasLoneSurrogate(child)) {
        return true;
      }
    }
    return false;
  }

  static void checkRoles(List<FieldError> errors, List<String> roles) {
    if (roles == null) {
      return;
    }
    if (roles.size() > Roles.MAX_ROLES) {
      errors.add(new FieldError("roles", "too_long", "at most " + Roles.MAX_ROLES + " roles"));
      return;
    }
    for (String role : roles) {
      Roles.check("roles", role).ifPresent(errors::add);
    }
  }

  /** {@code base} with {@code patch} merged in: a key set to null is removed. */
  static ObjectNode merge(ObjectNode base, ObjectNode patch) {
    ObjectNode out = base.deepCopy();
    patch
        .properties()
        .forEach(
            e -> {
              if (e.getValue().isNull()) {
                out.remove(e.getKey());
              } else {
                out.set(e.getKey(), e.getValue().deepCopy());
              }
            });
    return out;
  }

  static String cleanName(String name) {
    return name == null ? "" : Text.nfkc(name.strip());
  }
}
