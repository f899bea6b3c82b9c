package org.userman.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a page handler answers: a rendered template with its model, or a redirect (303, so a reload
 * after a form never posts it again), or JSON for the pages' one script ({@code json}), plus
 * cookies to set. Only {@link WebPages} writes it.
 */
record WebReply(
    int status,
    String template,
    Map<String, Object> model,
    String location,
    List<String> cookies,
    String json) {
  static WebReply page(String template, Map<String, Object> model) {
    return page(200, template, model);
  }

  static WebReply page(int status, String template, Map<String, Object> model) {
    return new WebReply(status, template, model, null, List.of(), null);
  }

  static WebReply redirect(String location) {
    return new WebReply(303, null, Map.of(), location, List.of(), null);
  }

  /** A JSON answer to the pages' script (WebAuthn's options, or {@code {"message": ...}}). */
  static WebReply json(int status, String json) {
    return new WebReply(status, null, Map.of(), null, List.of(), json);
  }

  WebReply withCookie(String setCookie) {
    List<String> c = new ArrayList<>(cookies);
    c.add(setCookie);
    return new WebReply(status, template, model, location, List.copyOf(c), json);
  }
}
