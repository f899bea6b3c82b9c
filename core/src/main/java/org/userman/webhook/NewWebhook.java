package org.userman.webhook;

import java.util.List;

/**
 * An endpoint to register: {@code events} empty or null for all types; {@code enabled} null for
 * true; {@code description} may be null.
 */
public record NewWebhook(String url, List<String> events, Boolean enabled, String description) {}
