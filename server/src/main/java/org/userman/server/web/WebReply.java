package org.userman.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a page handler answers: a rendered template with its model, or a redirect (303, so a reload
 * after a form never posts it again), plus cookies to set. Only {@link WebPages} writes it.
 */
record WebReply(
    int status, String template, Map<String, Object> model, String location, List<String> cookies) {
  static WebReply page(String template, Map<String, Object> model) {
    return page(200, template, model);
  }

  static WebReply page(int status, String template, Map<String, Object> model) {
    return new WebReply(status, template, model, null, List.of());
  }

  static WebReply redirect(String location) {
    return new WebReply(303, null, Map.of(), location, List.of());
  }

  WebReply withCookie(String setCookie) {
    List<String> c = new ArrayList<>(cookies);
    c.add(setCookie);
    return new WebReply(status, template, model, location, List.copyOf(c));
  }
}
