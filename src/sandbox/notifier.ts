/**
 * Jellyfin's user-data change notifier, as far as it can bring the server down (observed on
 * 12.0.0, docs/targets.md; 10.9.11, 10.10.7 and 10.11.11 run the same code, read in
 * their sources): every user-data save (but playback progress) is gathered
 * per user and sent to that user's sessions DEBOUNCE_MS after the last save of any user, the
 * timer starting again with each save. If the user was deleted meanwhile while a session is
 * still bound to them, building the message throws inside a fire-and-forget callback, and the
 * process exits. A session is bound to a user by the played/unplayed routes, which log the
 * caller's device session as the user they name: an API-key client marking a user's item
 * unplayed is that user's session from then on. (10.8 logs the session as the authenticated
 * user instead, so its played routes bind nothing to the user they name: not modelled there.)
 *
 * The sandbox keeps answering, and records such a deletion as a violation: what would have
 * crashed a real server.
 */
export const DEBOUNCE_MS = 500;

export class UserDataNotifier {
  /** Users with saves the notifier has not sent yet. */
  private readonly pending = new Set<string>();
  private due = 0;
  /** Device session (client and device id) → the user it is bound to. */
  private readonly sessions = new Map<string, string>();

  constructor(
    private readonly violations: string[],
    private readonly clock: () => number = Date.now,
  ) {}

  /** A user-data save of `userId`: it is sent once saves pause for DEBOUNCE_MS. */
  saved(userId: string): void {
    this.sendIfDue();
    this.pending.add(userId);
    this.due = this.clock() + DEBOUNCE_MS;
  }

  /** The caller's device session now stands for `userId` (played and unplayed routes). */
  bind(client: Record<string, string>, userId: string): void {
    this.sessions.set(sessionKey(client), userId);
  }

  /** The user is being deleted: a violation when that would crash the server now. */
  deleting(userId: string, userName: string): void {
    this.sendIfDue();
    if (!this.pending.has(userId)) return;
    if (![...this.sessions.values()].includes(userId)) return;
    this.violations.push(
      `DELETE user ${userName}: deleted within ${DEBOUNCE_MS} ms of the last user-data save while a ` +
        "session is bound to them and their changes are not yet sent (Jellyfin 10.9 and later exit: " +
        "UserDataChangeNotifier 'Invalid user ID')",
    );
  }

  private sendIfDue(): void {
    if (this.pending.size > 0 && this.clock() >= this.due) this.pending.clear();
  }
}

function sessionKey(client: Record<string, string>): string {
  const get = (name: string) =>
    Object.entries(client).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? "";
  return `${get("Client")}\u0000${get("DeviceId")}`;
}
