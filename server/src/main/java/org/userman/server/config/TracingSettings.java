package org.userman.server.config;

import java.net.URI;
import org.userman.common.InvalidSettingException;

/**
 * OpenTelemetry traces: off unless an OTLP endpoint is set; then every request is a span (its
 * database and hashing work spans inside it), exported by OTLP over HTTP (protobuf).
 *
 * @param otlpEndpoint the collector's traces URL, such as {@code http://127.0.0.1:4318/v1/traces};
 *     null when tracing is off
 * @param serviceName the {@code service.name} the spans carry
 * @param sampleRatio the share of traces that start here to record (a request that brings a sampled
 *     {@code traceparent} is always recorded, one that brings an unsampled one never)
 */
public record TracingSettings(String otlpEndpoint, String serviceName, double sampleRatio) {
  public static final TracingSettings OFF = new TracingSettings(null, "userman", 1.0);

  public TracingSettings {
    if (otlpEndpoint != null) {
      URI uri;
      try {
        uri = URI.create(otlpEndpoint);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new InvalidSettingException(
            "tracing.otlp_endpoint",
            "must be an http or https URL, such as http://127.0.0.1:4318/v1/traces");
      }
    }
    if (serviceName == null || serviceName.isBlank() || serviceName.length() > 100) {
      throw new InvalidSettingException("tracing.service_name", "must be 1 to 100 characters");
    }
    if (!(sampleRatio >= 0.0 && sampleRatio <= 1.0)) {
      throw new InvalidSettingException("tracing.sample_ratio", "must be between 0 and 1");
    }
  }

  public boolean enabled() {
    return otlpEndpoint != null;
  }
}
