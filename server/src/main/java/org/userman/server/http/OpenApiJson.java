package org.userman.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A step of the build, not of a running server: writes the OpenAPI document the server serves
 * ({@code /openapi.json} among its classes). Its paths come from the operations as the server
 * declares them ({@link ApiRoutes}); what each operation takes and answers comes from the sources'
 * YAML ({@code src/main/openapi/openapi.yaml}, under {@code x-operations}, by operationId). An
 * operation declared but not described, or described but not declared, fails the build. Written
 * once at build time: converting YAML at every start took the YAML parser's time at every start.
 */
public final class OpenApiJson {
  private OpenApiJson() {}

  /**
   * The document for {@code operations} from the YAML {@code source}; the failures, if any, in
   * {@code problems}.
   */
  static ObjectNode document(
      JsonNode source, List<ApiRoutes.Operation> operations, List<String> problems) {
    findProseKeys(source, "#", problems);
    ObjectNode doc = source.deepCopy();
    JsonNode described = doc.remove("x-operations");
    if (described == null || !described.isObject()) {
      problems.add("the YAML has no x-operations");
      return doc;
    }
    ObjectNode paths = doc.putObject("paths");
    Set<String> used = new TreeSet<>();
    for (ApiRoutes.Operation o : operations) {
      JsonNode detail = described.get(o.operationId());
      if (detail == null) {
        problems.add(
            "operation "
                + o.operationId()
                + " ("
                + o.method().text()
                + " "
                + o.path()
                + ") is not described under x-operations");
        continue;
      }
      used.add(o.operationId());
      ObjectNode item =
          paths.has(o.path()) ? (ObjectNode) paths.get(o.path()) : paths.putObject(o.path());
      if (o.path().contains("{id}") && !item.has("parameters")) {
        ArrayNode parameters = item.putArray("parameters");
        parameters.addObject().put("$ref", "#/components/parameters/id");
      }
      ObjectNode op = item.putObject(o.method().text().toLowerCase(Locale.ROOT));
      op.put("operationId", o.operationId());
      op.setAll((ObjectNode) detail);
    }
    for (Iterator<String> names = described.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!used.contains(name)) {
        problems.add("x-operations describes " + name + ", which no route declares");
      }
    }
    return doc;
  }

  /**
   * A key with no value and a space in it is text that a comma cut out of an unquoted value in a
   * YAML flow mapping ({@code {description: a, b}} makes {@code b} a key): say where.
   */
  private static void findProseKeys(JsonNode node, String at, List<String> problems) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                if (e.getValue().isNull() && e.getKey().contains(" ")) {
                  problems.add(
                      "at "
                          + at
                          + ", '"
                          + e.getKey()
                          + "' is a key with no value: quote the text that holds a comma");
                }
                findProseKeys(e.getValue(), at + "/" + e.getKey(), problems);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        findProseKeys(node.get(i), at + "/" + i, problems);
      }
    }
  }

  /** {@code OpenApiJson YAML-FILE JSON-FILE} */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: OpenApiJson YAML-FILE JSON-FILE");
    }
    JsonNode source = new ObjectMapper(new YAMLFactory()).readTree(Path.of(args[0]).toFile());
    ApiRoutes routes = ApiRoutes.declareAll(new ApiRoutes(null), null, null, null, null, null);
    List<String> problems = new ArrayList<>();
    ObjectNode doc = document(source, routes.operations(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the OpenAPI document does not match the routes:\n  " + String.join("\n  ", problems));
    }
    Path json = Path.of(args[1]);
    Files.createDirectories(json.toAbsolutePath().getParent());
    Files.write(json, new ObjectMapper().writeValueAsBytes(doc));
  }
}
