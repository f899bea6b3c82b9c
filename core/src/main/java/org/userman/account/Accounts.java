package org.userman.account;

import java.util.Optional;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.password.Password;

/** Creating, reading, changing and deleting accounts, with the rules that guard them. */
public interface Accounts {
  /**
   * Registers a user. Anyone may, unless registration is closed; only admins ({@code byAdmin}) set
   * status, roles or the verified flag. A new account that must verify its address gets the mail.
   */
  User create(NewUser user, boolean byAdmin, Actor actor);

  /** The user with this id; empty for an unknown or malformed id. */
  Optional<User> find(String id);

  /** The user with this id; {@code not_found} otherwise. */
  User get(String id);

  /**
   * The public profile of an active user, for any signed-in user; {@code not_found} for an unknown,
   * pending or disabled one, alike.
   */
  PublicProfile publicProfile(String id);

  /** The user with this email, in any case. */
  Optional<User> findByEmail(String email);

  /** The user an email or an id names, as the command line takes them. */
  Optional<User> findByIdOrEmail(String idOrEmail);

  /** Whether the user holds the admin role now. */
  boolean isAdmin(String userId);

  Page<User> list(UserQuery query);

  /** What a user may change on their own account: name, username and attributes. */
  User updateProfile(String userId, UserPatch patch, Actor actor);

  /**
   * Changes any field (an admin's or operator's change). A new password, and disabling, end every
   * session, API key and pending mailed token of the user; a new email ends the mailed tokens and
   * tells the old address; the last active admin cannot be disabled or demoted.
   */
  User update(String userId, UserPatch patch, Actor actor);

  /** Deletes the user and everything that is theirs; the last active admin cannot be deleted. */
  void delete(String userId, Actor actor);

  /**
   * A signed-in user's password change: the current password is required (a wrong one counts
   * against the sign-in limit); the other sessions and a pending email change end, API keys stay.
   */
  void changePassword(
      String userId, String keepSessionId, Password current, Password next, Actor actor);

  /** Sets a password without the old one (operators): as {@link #update} with a password. */
  void setPassword(String userId, Password password, Actor actor);

  /**
   * Mails a confirmation to {@code newEmail}; the address changes when it is confirmed, and the one
   * given up stays reserved for the user for {@link AccountSettings#emailReservation}: {@code
   * email_taken} for anyone else, as for an address in use (here, at registration, for an admin's
   * change and for an import). A previous address of the user's own may be taken back this way.
   */
  void requestEmailChange(String userId, String newEmail, Password current, Actor actor);

  /**
   * The addresses the user held, newest first: the current one, then those given up, each with the
   * time it became theirs and the time they gave it up. {@code afterKey} is the key a previous
   * page's {@link Page#nextAfterId} gave; {@code not_found} for an unknown user.
   */
  Page<EmailHistoryEntry> emailHistory(String userId, int limit, String afterKey);

  /** Lifts the user's sign-in lock at once, on every node; audited. */
  void unlock(String userId, Actor actor);
}
