package org.userman.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.userman.auth.Authenticator;
import org.userman.server.config.TrustedProxies;

/**
 * What the API's handlers share: the request's {@link Call} (its body, parameters, client and
 * caller), and the ways to answer: JSON, or no body at all. Failures are thrown, as domain
 * exceptions, and become problem+json in {@link ErrorMapping}.
 */
public final class Api {
  static final String JSON = "application/json";
  private static final Header CONTENT_TYPE_JSON =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, JSON);
  private final ObjectMapper json;
  private final Authenticator authenticator;
  private final Call.AdminCheck adminCheck;
  private final TrustedProxies proxies;
  private final Call.StepUp stepUp;

  public Api(
      ObjectMapper json,
      Authenticator authenticator,
      Call.AdminCheck adminCheck,
      TrustedProxies proxies,
      Call.StepUp stepUp) {
    this.stepUp = stepUp;
    this.json = json;
    this.authenticator = authenticator;
    this.adminCheck = adminCheck;
    this.proxies = proxies;
  }

  /** The request as a handler reads it; make one per request. */
  public Call call(ServerRequest req) {
    return new Call(req, json, authenticator, adminCheck, proxies, stepUp);
  }

  /**
   * Answers {@code status} with {@code body} as JSON: any value Jackson writes, or bytes already
   * written.
   */
  public void json(ServerResponse res, int status, Object body) {
    send(res, status, CONTENT_TYPE_JSON, body);
  }

  public void ok(ServerResponse res, Object body) {
    json(res, 200, body);
  }

  /** Answers with another media type ({@code application/jwk-set+json}, say). */
  public void send(ServerResponse res, int status, Header contentType, Object body) {
    byte[] bytes;
    try {
      bytes = body instanceof byte[] raw ? raw : json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an answer did not serialize", e);
    }
    res.status(status).header(contentType).send(bytes);
  }

  public void noContent(ServerResponse res) {
    res.status(204).send();
  }

  public void accepted(ServerResponse res) {
    res.status(202).send();
  }
}
