package org.userman.server.http;

import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/** An {@code application/x-www-form-urlencoded} body (the pages' forms, the OAuth endpoints'). */
public final class FormBody {
  private FormBody() {}

  /**
   * Each field of the form in the body with its values in order; {@code malformed_request} for text
   * that is not urlencoded, {@code unsupported_media_type} for another kind of body.
   */
  public static Map<String, List<String>> read(ServerRequest req, int max) {
    byte[] bytes = Call.body(req, "application/x-www-form-urlencoded", max, "form");
    Map<String, List<String>> form = new LinkedHashMap<>();
    try {
      for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    } catch (IllegalArgumentException e) {
      throw new UsermanException(
          ErrorCode.MALFORMED_REQUEST, "The form is not valid urlencoded text.");
    }
    return form;
  }
}
