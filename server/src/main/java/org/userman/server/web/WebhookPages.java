package org.userman.server.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;
import org.userman.webhook.WebhookPatch;
import org.userman.webhook.Webhooks;

/**
 * The admins' webhook pages: the endpoints, with a notice for each that Userman disabled after it
 * failed for too long, and each endpoint's delivery log, to enable it again and redeliver.
 * Endpoints are registered through the API or the command line, which show the secret once.
 */
public final class WebhookPages {
  private static final int LOG_SIZE = 50;
  private final WebPages web;
  private final Webhooks webhooks;

  /** An endpoint as the pages show one. */
  public record HookRow(
      String id,
      String url,
      String description,
      String events,
      boolean enabled,
      String disabledReason,
      String failingSince,
      String created) {
    static HookRow of(Webhook w) {
      return new HookRow(
          w.id(),
          w.url(),
          w.description(),
          w.events().isEmpty()
              ? "all events"
              : String.join(", ", w.events().stream().map(t -> t.code()).toList()),
          w.enabled(),
          w.disabledReason(),
          WebPages.when(w.failingSince()),
          WebPages.when(w.createdAt()));
    }
  }

  /** A delivery as the log shows one. */
  public record DeliveryRow(
      String eventId,
      String type,
      String status,
      int attempts,
      String response,
      String error,
      String next,
      String created) {
    static DeliveryRow of(WebhookDelivery d) {
      return new DeliveryRow(
          d.eventId(),
          d.eventType().code(),
          d.status().wire(),
          d.attempts(),
          d.responseStatus() == null ? "" : d.responseStatus().toString(),
          d.lastError() == null ? "" : d.lastError(),
          WebPages.when(d.nextAttemptAt()),
          WebPages.when(d.createdAt()));
    }
  }

  public WebhookPages(WebPages web, Webhooks webhooks) {
    this.web = web;
    this.webhooks = webhooks;
  }

  public void declare() {
    web.get(
            "/admin/webhooks",
            c -> {
              c.admin();
              Map<String, Object> model = new HashMap<>();
              WebPages.notice(c).ifPresent(n -> model.put("notice", n));
              List<HookRow> hooks =
                  webhooks.list(200, null).items().stream().map(HookRow::of).toList();
              model.put("hooks", hooks);
              model.put(
                  "disabled", hooks.stream().filter(h -> h.disabledReason() != null).toList());
              return WebReply.page("admin-webhooks", model);
            })
        .get(
            "/admin/webhooks/{id}",
            c -> {
              c.admin();
              Map<String, Object> model = new HashMap<>();
              WebPages.notice(c).ifPresent(n -> model.put("notice", n));
              String id = c.pathParam("id");
              model.put("hook", HookRow.of(webhooks.get(id)));
              model.put(
                  "deliveries",
                  webhooks.deliveries(id, LOG_SIZE, null).items().stream()
                      .map(DeliveryRow::of)
                      .toList());
              return WebReply.page("admin-webhook", model);
            })
        .post(
            "/admin/webhooks/{id}/enabled",
            c -> {
              c.admin();
              String id = webhooks.get(c.pathParam("id")).id();
              boolean enable = "true".equals(c.field("enabled"));
              webhooks.update(id, new WebhookPatch(null, null, enable, null), c.actor());
              return WebReply.redirect(
                  "/admin/webhooks/"
                      + WebPages.encode(id)
                      + "?notice="
                      + (enable ? "webhook_enabled" : "webhook_disabled"));
            })
        .post(
            "/admin/webhooks/{id}/redeliver",
            c -> {
              c.admin();
              String id = webhooks.get(c.pathParam("id")).id();
              String event = c.field("event_id") == null ? "" : c.field("event_id");
              webhooks.redeliver(id, event, c.actor());
              return WebReply.redirect(
                  "/admin/webhooks/" + WebPages.encode(id) + "?notice=redelivered");
            });
  }
}
