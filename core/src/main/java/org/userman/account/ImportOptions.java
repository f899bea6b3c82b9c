package org.userman.account;

/**
 * How to import.
 *
 * @param dryRun check every record and report, writing nothing
 * @param allowPlaintext accept records with a plaintext {@code password} (hashed on import) in
 *     place of a {@code password_hash}
 */
public record ImportOptions(boolean dryRun, boolean allowPlaintext) {}
