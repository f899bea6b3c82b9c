package org.userman.webhook;

import java.time.Duration;
import org.userman.common.InvalidSettingException;

/**
 * How webhooks reach out.
 *
 * @param allowPrivateTargets lets endpoints resolve to loopback, private, link-local or metadata
 *     addresses ({@code webhooks.allow_private_targets}); off, such targets are refused, so that an
 *     admin's URL cannot reach into the network Userman runs in
 * @param connectTimeout how long connecting may take ({@code webhooks.connect_timeout})
 * @param timeout how long the whole request may take, answer included ({@code webhooks.timeout})
 */
public record WebhookSettings(
    boolean allowPrivateTargets, Duration connectTimeout, Duration timeout) {
  public WebhookSettings {
    check(connectTimeout, "webhooks.connect_timeout");
    check(timeout, "webhooks.timeout");
  }

  private static void check(Duration d, String setting) {
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new InvalidSettingException(setting, "must be a positive duration of at most 1m");
    }
  }

  /** Private targets refused, 3 s to connect, 10 s in all. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(false, Duration.ofSeconds(3), Duration.ofSeconds(10));
  }

  public WebhookSettings withPrivateTargets(boolean allow) {
    return new WebhookSettings(allow, connectTimeout, timeout);
  }
}
