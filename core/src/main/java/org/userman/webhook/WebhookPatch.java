package org.userman.webhook;

import java.util.List;

/** Changes to an endpoint; a null field stays as it is. Enabling clears a disabled reason. */
public record WebhookPatch(String url, List<String> events, Boolean enabled, String description) {}
