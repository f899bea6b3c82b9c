package org.userman.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.userman.audit.AuditType;
import org.userman.common.ErrorCode;
import org.userman.event.EventType;

/**
 * The OpenAPI document the build wrote is right: every operation has a unique operationId, and an
 * independent linter (Redocly CLI, its recommended rules, pinned) finds no error in it. The lint
 * runs Node.js's npx, which `./userman test` installs when missing.
 */
class OpenApiDocumentTest {
  /** The Redocly CLI version the lint runs (npx fetches it once into npm's cache). */
  private static final String REDOCLY = "@redocly/cli@1.34.20";

  private static final Path DOCUMENT = Path.of("target/classes/openapi.json");

  @Test
  void every_operation_has_a_unique_operation_id() throws IOException {
    JsonNode doc = new ObjectMapper().readTree(DOCUMENT.toFile());
    Set<String> ids = new HashSet<>();
    List<String> missing = new ArrayList<>();
    doc.path("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .properties()
                    .forEach(
                        m -> {
                          if (!m.getKey().equals("parameters")) {
                            String id = m.getValue().path("operationId").asText("");
                            if (id.isEmpty()) {
                              missing.add(m.getKey() + " " + p.getKey());
                            }
                            assertThat(ids.add(id)).as("operationId %s is used once", id).isTrue();
                          }
                        }));
    assertThat(missing).isEmpty();
    assertThat(ids).hasSizeGreaterThan(25);
  }

  /**
   * The lists of codes the document names are the ones the code answers with: a new audit type,
   * error code or event type added to the code and not to the document fails here.
   */
  @Test
  void its_lists_of_codes_are_the_codes_of_the_code() throws IOException {
    JsonNode schemas =
        new ObjectMapper().readTree(DOCUMENT.toFile()).path("components").path("schemas");
    assertThat(texts(schemas.path("AuditType").path("enum")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(AuditType.values()).map(AuditType::code).toList());
    assertThat(texts(schemas.path("EventType").path("enum")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(EventType.values()).map(EventType::code).toList());
    assertThat(texts(schemas.path("Problem").path("properties").path("code").path("enum")))
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().toList());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void an_independent_linter_finds_no_error() throws Exception {
    Path report = Files.createTempFile("redocly", ".json");
    Process lint =
        new ProcessBuilder(
                "npx",
                "--yes",
                REDOCLY,
                "lint",
                "--format=json",
                "--extends=recommended",
                DOCUMENT.toString())
            .redirectErrorStream(false)
            .redirectOutput(report.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    assertThat(lint.waitFor(5, TimeUnit.MINUTES)).as("the linter finished").isTrue();
    String json = Files.readString(report, StandardCharsets.UTF_8);
    JsonNode result = new ObjectMapper().readTree(json.substring(json.indexOf('{')));
    assertThat(result.path("version").asText())
        .as("the report of the pinned linter")
        .isEqualTo(REDOCLY.substring(REDOCLY.lastIndexOf('@') + 1));
    List<String> errors = new ArrayList<>();
    for (JsonNode p : result.path("problems")) {
      if (p.path("severity").asText().equals("error")) {
        errors.add(
            p.path("ruleId").asText()
                + ": "
                + p.path("message").asText()
                + " at "
                + p.path("location").toString());
      }
    }
    assertThat(errors).as("Redocly's errors").isEmpty();
    assertThat(result.path("totals").path("errors").asInt(-1)).isZero();
    assertThat(lint.exitValue()).as("Redocly's exit status").isZero();
  }
}
