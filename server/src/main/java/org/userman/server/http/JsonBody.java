package org.userman.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.common.ValidationException;
import org.userman.password.Password;

/**
 * A request's JSON object, read field by field with type checks. Wrong types and unknown fields are
 * collected and reported together by {@link #done()}, as one {@code validation_failed}.
 */
public final class JsonBody {
  private final ObjectNode node;
  private final List<FieldError> errors = new ArrayList<>();

  JsonBody(ObjectNode node) {
    this.node = node;
  }

  /** Rejects any field not in {@code allowed}. */
  public JsonBody allow(Set<String> allowed) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                errors.add(new FieldError(name, "unknown_field", "unknown field"));
              }
            });
    return this;
  }

  public boolean has(String field) {
    return node.has(field);
  }

  public boolean isNull(String field) {
    return node.has(field) && node.get(field).isNull();
  }

  /** The string value, or null when absent or JSON null. */
  public String string(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      typeError(field, "a string");
      return null;
    }
    if (Text.hasLoneSurrogate(v.textValue())) {
      loneSurrogate(field);
      return null;
    }
    return v.textValue();
  }

  public Password password(String field) {
    String v = string(field);
    return v == null ? null : Password.of(v);
  }

  public Boolean bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      typeError(field, "true or false");
      return null;
    }
    return v.booleanValue();
  }

  /** A whole number, or null when absent. */
  public Long whole(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
      typeError(field, "a whole number");
      return null;
    }
    return v.longValue();
  }

  public ObjectNode object(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      typeError(field, "a JSON object");
      return null;
    }
    return (ObjectNode) v;
  }

  public List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      typeError(field, "an array of strings");
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        typeError(field, "an array of strings");
        return null;
      }
      if (Text.hasLoneSurrogate(item.textValue())) {
        loneSurrogate(field);
        return null;
      }
      out.add(item.textValue());
    }
    return out;
  }

  public Instant instant(String field) {
    String v = string(field);
    if (v == null) {
      return null;
    }
    Instant t = Times.parse(v);
    if (t == null) {
      typeError(field, Times.EXPECTED);
    }
    return t;
  }

  private void typeError(String field, String expected) {
    errors.add(new FieldError(field, "invalid_type", "must be " + expected));
  }

  private void loneSurrogate(String field) {
    errors.add(
        FieldError.invalidFormat(
            field, "holds a lone surrogate, which no text encoding can write"));
  }

  /** Throws the collected type and unknown-field errors, if any. */
  public void done() {
    ValidationException.throwIfAny(errors);
  }
}
