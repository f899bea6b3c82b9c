package org.userman.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP with the JDK's client, to Userman and to the resource server alike. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient client = HttpClient.newHttpClient();

  HttpResponse<String> get(String url, String bearer) {
    HttpRequest.Builder b = request(url).GET();
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b);
  }

  /** A JSON request that must answer {@code expected}; gives its body. */
  JsonNode postJson(String url, String bearer, Object body, int expected) {
    HttpRequest.Builder b =
        request(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return answer(send(b), expected);
  }

  HttpResponse<String> delete(String url, String bearer) {
    return send(request(url).DELETE().header("Authorization", "Bearer " + bearer));
  }

  /** A form posted with HTTP Basic authentication (a client id and secret); gives its body. */
  JsonNode postForm(
      String url, String user, String password, Map<String, String> form, int expected) {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (encode(user) + ":" + encode(password)).getBytes(StandardCharsets.UTF_8));
    String body =
        form.entrySet().stream()
            .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
            .collect(Collectors.joining("&"));
    return answer(
        send(
            request(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(body))),
        expected);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static HttpRequest.Builder request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
  }

  private static JsonNode answer(HttpResponse<String> res, int expected) {
    if (res.statusCode() != expected) {
      throw new AssertionError(
          res.request().method()
              + " "
              + res.uri()
              + " answered "
              + res.statusCode()
              + ", not "
              + expected
              + ": "
              + res.body());
    }
    return JSON.readTree(res.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
