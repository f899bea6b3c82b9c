package org.userman.account.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.userman.account.ImportFormat;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * The records of an import file, one at a time and in order, each as a JSON object with the
 * export's fields ({@link ImportRecords#FIELDS}) and the line it starts on. Files are read as they
 * stream, never whole: a file of a million users takes the memory of one.
 */
abstract class ImportReader implements Closeable {
  /** One record of the file, or the reason it could not be read. */
  sealed interface Item permits Fields, Unreadable {
    long line();
  }

  record Fields(long line, ObjectNode fields) implements Item {}

  record Unreadable(long line, String reason) implements Item {}

  /** The next item, or null after the last. */
  abstract Item next();

  static ImportReader open(InputStream in, ImportFormat format, ObjectMapper json) {
    return switch (format) {
      case JSONL -> new JsonLines(in, json);
      case CSV -> new Csv(in, json);
      case KEYCLOAK -> new Keycloak(in, json);
    };
  }

  static UsermanException badFile(String message) {
    return new UsermanException(ErrorCode.MALFORMED_REQUEST, message);
  }

  /** A JSON object a line; blank lines are passed over. */
  private static final class JsonLines extends ImportReader {
    private final BufferedReader reader;
    private final ObjectMapper json;
    private long line;

    JsonLines(InputStream in, ObjectMapper json) {
      this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      this.json = json;
    }

    @Override
    Item next() {
      try {
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          try {
            JsonNode node = json.readTree(text);
            return node instanceof ObjectNode o
                ? new Fields(line, o)
                : new Unreadable(line, "not a JSON object");
          } catch (JsonProcessingException e) {
            return new Unreadable(line, "not JSON: " + e.getOriginalMessage());
          }
        }
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /**
   * A header naming the columns, then a user a line. Roles are separated by spaces or semicolons;
   * attributes are a JSON object; an empty cell is a missing field.
   */
  private static final class Csv extends ImportReader {
    private final MappingIterator<Map<String, String>> rows;
    private final ObjectMapper json;
    private boolean checked;
    private static final java.util.regex.Pattern ROLE_SEPARATOR =
        java.util.regex.Pattern.compile("[;\\s]+");

    Csv(InputStream in, ObjectMapper json) {
      this.json = json;
      try {
        CsvMapper csv = new CsvMapper();
        this.rows =
            csv.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(new InputStreamReader(in, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw badFile("unreadable CSV: " + e.getMessage());
      }
    }

    @Override
    Item next() {
      long line = rows.getParser().currentLocation().getLineNr();
      try {
        if (!rows.hasNextValue()) {
          return null;
        }
        // the CSV parser counts the header's line as 0
        line = rows.getParser().currentTokenLocation().getLineNr() + 1L;
        Map<String, String> row = rows.nextValue();
        if (!checked) {
          for (String column : ((CsvSchema) rows.getParser().getSchema()).getColumnNames()) {
            if (!ImportRecords.FIELDS.contains(column)) {
              throw badFile("unknown CSV column '" + column + "'");
            }
          }
          checked = true;
        }
        ObjectNode fields = json.createObjectNode();
        for (Map.Entry<String, String> cell : row.entrySet()) {
          String value = cell.getValue();
          if (value == null || value.isEmpty()) {
            continue;
          }
          switch (cell.getKey()) {
            case "roles" -> {
              ArrayNode roles = fields.putArray("roles");
              ROLE_SEPARATOR.splitAsStream(value).filter(x -> !x.isEmpty()).forEach(roles::add);
            }
            case "attributes" -> {
              try {
                fields.set("attributes", json.readTree(value));
              } catch (JsonProcessingException e) {
                return new Unreadable(line, "attributes: not JSON");
              }
            }
            case "email_verified" ->
                fields.set(
                    "email_verified",
                    switch (value.strip()) {
                      case "true" -> json.getNodeFactory().booleanNode(true);
                      case "false" -> json.getNodeFactory().booleanNode(false);
                      default -> json.getNodeFactory().textNode(value);
                    });
            default -> fields.put(cell.getKey(), value);
          }
        }
        return new Fields(line, fields);
      } catch (IOException | RuntimeException e) {
        if (e instanceof UsermanException u) {
          throw u;
        }
        throw badFile("unreadable CSV at line " + line + ": " + e.getMessage());
      }
    }

    @Override
    public void close() throws IOException {
      rows.close();
    }
  }

  /**
   * A Keycloak realm export: the users of its {@code "users"} array, read one at a time, with their
   * password credential turned into the hash string Userman reads (PBKDF2 in passlib's form, Argon2
   * as a PHC string).
   */
  private static final class Keycloak extends ImportReader {
    /** Roles every Keycloak user holds, which mean nothing to Userman. */
    private static final Set<String> BUILT_IN_ROLES = Set.of("offline_access", "uma_authorization");

    private final JsonParser parser;
    private final ObjectMapper json;
    private boolean inUsers;
    private boolean done;

    Keycloak(InputStream in, ObjectMapper json) {
      this.json = json;
      try {
        this.parser = json.getFactory().createParser(in);
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw badFile("a Keycloak realm export is a JSON object");
        }
      } catch (IOException e) {
        throw badFile("unreadable Keycloak export: " + e.getMessage());
      }
    }

    @Override
    Item next() {
      try {
        while (!done) {
          if (inUsers) {
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_ARRAY) {
              inUsers = false;
              continue;
            }
            long line = parser.currentTokenLocation().getLineNr();
            JsonNode user = json.readTree(parser);
            if (!(user instanceof ObjectNode u)) {
              return new Unreadable(line, "a user is not a JSON object");
            }
            try {
              return new Fields(line, fromKeycloak(u));
            } catch (IllegalArgumentException e) {
              return new Unreadable(line, e.getMessage());
            }
          }
          JsonToken t = parser.nextToken();
          if (t == null || t == JsonToken.END_OBJECT) {
            done = true;
          } else if (t == JsonToken.FIELD_NAME && parser.currentName().equals("users")) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
              throw badFile("\"users\" is not an array");
            }
            inUsers = true;
          } else if (t == JsonToken.FIELD_NAME) {
            parser.nextToken();
            parser.skipChildren();
          }
        }
        return null;
      } catch (IOException e) {
        throw badFile("unreadable Keycloak export: " + e.getMessage());
      }
    }

    private ObjectNode fromKeycloak(ObjectNode u) throws JsonProcessingException {
      ObjectNode out = json.createObjectNode();
      String email = text(u, "email");
      if (email != null) {
        out.put("email", email);
      }
      String username = text(u, "username");
      // Keycloak names users by their email when told to; Userman signs them in by email anyway
      if (username != null && !username.equalsIgnoreCase(email)) {
        out.put("username", username);
      }
      String name =
          String.join(
                  " ",
                  text(u, "firstName") == null ? "" : text(u, "firstName"),
                  text(u, "lastName") == null ? "" : text(u, "lastName"))
              .strip();
      if (!name.isEmpty()) {
        out.put("name", name);
      }
      out.put("status", u.path("enabled").asBoolean(true) ? "active" : "disabled");
      out.put("email_verified", u.path("emailVerified").asBoolean(false));
      if (u.path("createdTimestamp").canConvertToLong()) {
        out.put("created_at", Instant.ofEpochMilli(u.path("createdTimestamp").asLong()).toString());
      }
      ArrayNode roles = json.createArrayNode();
      for (JsonNode role : u.path("realmRoles")) {
        String r = role.asText();
        if (!BUILT_IN_ROLES.contains(r) && !r.startsWith("default-roles-")) {
          roles.add(r);
        }
      }
      if (!roles.isEmpty()) {
        out.set("roles", roles);
      }
      if (u.path("attributes") instanceof ObjectNode attributes && !attributes.isEmpty()) {
        ObjectNode a = json.createObjectNode();
        // Keycloak keeps every attribute as a list; a list of one is the value itself
        attributes
            .properties()
            .forEach(
                e ->
                    a.set(
                        e.getKey(),
                        e.getValue().isArray() && e.getValue().size() == 1
                            ? e.getValue().get(0)
                            : e.getValue()));
        out.set("attributes", a);
      }
      for (JsonNode credential : u.path("credentials")) {
        if ("password".equals(credential.path("type").asText())) {
          out.put("password_hash", passwordHash(credential));
          break;
        }
      }
      return out;
    }

    /** Keycloak's credential as a hash string: its secret and credential data are JSON texts. */
    private String passwordHash(JsonNode credential) throws JsonProcessingException {
      JsonNode secret = json.readTree(credential.path("secretData").asText("{}"));
      JsonNode data = json.readTree(credential.path("credentialData").asText("{}"));
      String algorithm = data.path("algorithm").asText("");
      int iterations = data.path("hashIterations").asInt(0);
      String salt = secret.path("salt").asText("");
      String value = secret.path("value").asText("");
      if (salt.isEmpty() || value.isEmpty() || iterations < 1) {
        throw new IllegalArgumentException("Keycloak credential without salt, value or iterations");
      }
      return switch (algorithm) {
        case "pbkdf2", "pbkdf2-sha256", "pbkdf2-sha512" ->
            "$"
                + algorithm
                + "$"
                + iterations
                + "$"
                + adaptedBase64(salt)
                + "$"
                + adaptedBase64(value);
        case "argon2" -> argon2(data.path("additionalParameters"), iterations, salt, value);
        default ->
            throw new IllegalArgumentException(
                "Keycloak credential algorithm '" + algorithm + "' is not supported");
      };
    }

    /** Keycloak's Argon2 parameters are lists of one text each. */
    private static String argon2(JsonNode p, int iterations, String salt, String value) {
      String type = first(p, "type", "id");
      String version = first(p, "version", "1.3");
      if (!type.equals("id") && !type.equals("i")) {
        throw new IllegalArgumentException("Keycloak Argon2 type '" + type + "' is not supported");
      }
      return "$argon2"
          + type
          + "$v="
          + (version.equals("1.0") ? "16" : "19")
          + "$m="
          + first(p, "memory", "7168")
          + ",t="
          + iterations
          + ",p="
          + first(p, "parallelism", "1")
          + "$"
          + salt.replace("=", "")
          + "$"
          + value.replace("=", "");
    }

    private static String first(JsonNode p, String name, String fallback) {
      JsonNode v = p.path(name);
      return v.isArray() && !v.isEmpty()
          ? v.get(0).asText()
          : v.isTextual() ? v.asText() : fallback;
    }

    /** passlib's adapted base64 ('.' for '+', no padding), from Keycloak's standard base64. */
    private static String adaptedBase64(String base64) {
      return base64.replace("=", "").replace('+', '.');
    }

    private static String text(JsonNode u, String field) {
      JsonNode v = u.get(field);
      return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }
}
