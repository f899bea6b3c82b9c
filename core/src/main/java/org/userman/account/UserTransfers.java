package org.userman.account;

import java.io.InputStream;
import java.io.Writer;
import org.userman.common.Actor;

/**
 * Moving users in and out: imports from files that other systems (or another Userman) wrote, with
 * their password hashes, and an export that imports back unchanged.
 */
public interface UserTransfers {
  /**
   * Imports the users {@code in} holds, each record all or nothing: a record whose email has an
   * account is skipped, so that a run stopped halfway is resumed by running it again. Password
   * hashes of the formats {@code docs/operations.md} lists are kept as they are and replaced by
   * Argon2id at the user's next sign-in; anything else fails its record. No mail is sent.
   */
  ImportSummary importUsers(
      InputStream in,
      ImportFormat format,
      ImportOptions options,
      ImportProgress progress,
      Actor actor);

  /**
   * Writes every user as JSON Lines, in id order, with the stored password hash (Argon2id, or a
   * legacy hash not yet replaced); returns how many.
   */
  long exportUsers(Writer out, Actor actor);
}
