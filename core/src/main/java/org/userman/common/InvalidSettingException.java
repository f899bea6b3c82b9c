package org.userman.common;

/**
 * A setting whose value the library cannot work with; {@link #setting} names it as the
 * configuration file does ({@code tokens.access_ttl}), so whoever loaded it can point at the
 * source.
 */
public final class InvalidSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String setting;

  public InvalidSettingException(String setting, String problem) {
    super("setting " + setting + " " + problem);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
