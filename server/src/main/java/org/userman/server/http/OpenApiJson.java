package org.userman.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A step of the build, not of a running server: writes the OpenAPI document, kept in the sources
 * as YAML ({@code src/main/openapi/openapi.yaml}), as the JSON the server serves
 * ({@code /openapi.json} among its classes). Converting it at every start took the YAML parser
 * and the compiler's work on it, some 0.15 s of CPU of a start on 2 cores.
 */
public final class OpenApiJson {
  private OpenApiJson() {}

  /** {@code OpenApiJson YAML-FILE JSON-FILE} */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: OpenApiJson YAML-FILE JSON-FILE");
    }
    Path json = Path.of(args[1]);
    byte[] doc = new ObjectMapper().writeValueAsBytes(new ObjectMapper(new YAMLFactory()).readTree(Path.of(args[0]).toFile()));
    Files.createDirectories(json.toAbsolutePath().getParent());
    Files.write(json, doc);
  }
}
