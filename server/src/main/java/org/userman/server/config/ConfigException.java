package org.userman.server.config;

/** A setting that is missing, unknown or invalid; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
