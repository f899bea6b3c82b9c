package org.userman.webhook;

/** An endpoint with its signing secret ({@code whsec_...}), shown this once. */
public record CreatedWebhook(Webhook webhook, String secret) {
  @Override
  public String toString() {
    return "CreatedWebhook[" + webhook + ", secret=****]";
  }
}
