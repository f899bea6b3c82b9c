package org.userman.server.http;

import java.time.Duration;
import java.util.Set;
import org.userman.common.Page;
import org.userman.webhook.CreatedWebhook;
import org.userman.webhook.NewWebhook;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;
import org.userman.webhook.WebhookPatch;
import org.userman.webhook.Webhooks;

/**
 * Webhook endpoints for admins (docs/webhooks.md): register, list, change, delete, rotate the
 * signing secret (shown once, like an API key), read the delivery log and redeliver.
 */
public final class WebhookRoutes {
  private static final Set<String> FIELDS = Set.of("url", "events", "enabled", "description");
  private final Api api;
  private final Webhooks webhooks;
  private final Views views;

  public WebhookRoutes(Api api, Webhooks webhooks, Views views) {
    this.api = api;
    this.webhooks = webhooks;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.post(
            "/api/v1/webhooks",
            "createWebhook",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(FIELDS);
              NewWebhook n =
                  new NewWebhook(
                      b.string("url"),
                      b.strings("events"),
                      b.bool("enabled"),
                      b.string("description"));
              b.done();
              CreatedWebhook created = webhooks.create(n, c.actor());
              api.json(res, 201, views.webhook(created.webhook()).put("secret", created.secret()));
            })
        .get(
            "/api/v1/webhooks",
            "listWebhooks",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              Page<Webhook> page = webhooks.list(Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::webhook, page.nextAfterId()));
            })
        .get(
            "/api/v1/webhooks/{id}",
            "getWebhook",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              api.ok(res, views.webhook(webhooks.get(c.pathParam("id"))));
            })
        .patch(
            "/api/v1/webhooks/{id}",
            "updateWebhook",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(FIELDS);
              WebhookPatch p =
                  new WebhookPatch(
                      b.string("url"),
                      b.strings("events"),
                      b.bool("enabled"),
                      b.string("description"));
              b.done();
              api.ok(res, views.webhook(webhooks.update(c.pathParam("id"), p, c.actor())));
            })
        .delete(
            "/api/v1/webhooks/{id}",
            "deleteWebhook",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              webhooks.delete(c.pathParam("id"), c.actor());
              api.noContent(res);
            })
        .post(
            "/api/v1/webhooks/{id}/rotate-secret",
            "rotateWebhookSecret",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(Set.of("overlap_seconds"));
              Long overlap = b.whole("overlap_seconds");
              b.done();
              CreatedWebhook rotated =
                  webhooks.rotateSecret(
                      c.pathParam("id"),
                      overlap == null ? Webhooks.DEFAULT_OVERLAP : Duration.ofSeconds(overlap),
                      c.actor());
              api.ok(res, views.webhook(rotated.webhook()).put("secret", rotated.secret()));
            })
        .get(
            "/api/v1/webhooks/{id}/deliveries",
            "listWebhookDeliveries",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              Page<WebhookDelivery> page =
                  webhooks.deliveries(c.pathParam("id"), Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::webhookDelivery, page.nextAfterId()));
            })
        .post(
            "/api/v1/webhooks/{id}/deliveries/{event_id}/redeliver",
            "redeliverWebhook",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              WebhookDelivery d =
                  webhooks.redeliver(c.pathParam("id"), c.pathParam("event_id"), c.actor());
              api.json(res, 202, views.webhookDelivery(d));
            });
  }
}
