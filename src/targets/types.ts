import { PlexodusError } from "../errors.js";
import { ServiceError } from "../http/errors.js";
import type {
  TargetCollection,
  TargetIndex,
  TargetPlaylist,
  TargetServerInfo,
  TargetUser,
  TargetUserData,
} from "../model/index.js";
import type { Progress } from "../progress.js";

/**
 * Something about the target the person must know that does not stop the run (a server newer
 * than plexodus knows). `code` is stable for scripts; `message` is one line for people.
 */
export interface TargetWarning {
  code: string;
  message: string;
}

/** Fields of a user-data write; absent fields are left as they are on the target. */
export type UserDataChange = Partial<TargetUserData>;

/**
 * A user-data write the server took. `stored` is the state its answer reports; where the answer
 * says nothing, `confirm` takes the item's state read afterwards and returns it, or throws a
 * "failed" ServiceError naming each field that was not stored as asked.
 */
export type UserDataSent =
  | { stored: TargetUserData; confirm?: undefined }
  | { stored?: undefined; confirm(read: TargetUserData): TargetUserData };

/**
 * One adapter for Jellyfin and Emby (src/targets/mediabrowser), parameterized by a dialect.
 * Every write is absolute and named for its end state; nothing here increments a counter.
 * Errors are PlexodusError: "unreachable"/"auth" (exit 4), "transient" (retry budget spent),
 * "failed" (the server refused the request; the message says why).
 */
export interface TargetAdapter {
  /** Reachability, credentials, kind, version, features. Must be called first. */
  check(): Promise<TargetServerInfo>;

  listUsers(): Promise<TargetUser[]>;
  /**
   * Creates a user with this exact (already valid) name and password. Not retried blindly.
   * Where the password needs a request of its own and that fails, the user is deleted again;
   * if the delete fails too, the error is a `UserWithoutPasswordError` naming the user.
   */
  createUser(name: string, password: string): Promise<TargetUser>;
  /**
   * True where a new user's password is set by a request after its creation (Emby), so a
   * user found after an unconfirmed creation may still lack it; false where the creation
   * request carries the password (Jellyfin).
   */
  readonly passwordAfterCreation: boolean;
  /** Sets the password of a user this tool created; only where `passwordAfterCreation`. */
  setCreatedUserPassword(userId: string, password: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;

  /** All libraries and items, paged, with what matching needs. */
  index(progress?: Progress): Promise<TargetIndex>;

  /** User data of one user for the given items (absent ones read as empty), paged. */
  readUserData(
    userId: string,
    itemIds: readonly string[],
    progress?: Progress,
  ): Promise<Map<string, TargetUserData>>;
  /** Fresh user data of one item, for the re-check before a write. */
  getUserData(userId: string, itemId: string): Promise<TargetUserData>;
  /**
   * Absolute, idempotent write; returns the state the server reports afterwards. `current` is
   * the value the caller has just read (its re-check), which spares the adapter a read.
   */
  setUserData(
    userId: string,
    itemId: string,
    change: UserDataChange,
    current?: TargetUserData,
  ): Promise<TargetUserData>;
  /**
   * The same write, without its read-back: where the server's answer does not tell the stored
   * state, the caller reads the item back (in a batch with others) and hands that to `confirm`.
   */
  sendUserData(
    userId: string,
    itemId: string,
    change: UserDataChange,
    current?: TargetUserData,
  ): Promise<UserDataSent>;
  /**
   * True where a user-data write's answer does not tell the stored state (Emby documents an
   * empty answer), so every `sendUserData` leaves a read-back to its caller.
   */
  readonly userDataReadBack: boolean;

  /** Playlists the user owns (not ones merely shared with them), with entries in order. */
  listPlaylists(userId: string): Promise<TargetPlaylist[]>;
  /** A private playlist owned by the user, with these entries in this order. */
  createPlaylist(userId: string, title: string, itemIds: readonly string[]): Promise<TargetPlaylist>;
  addToPlaylist(userId: string, playlistId: string, itemIds: readonly string[]): Promise<void>;
  removeFromPlaylist(userId: string, playlistId: string, entryIds: readonly string[]): Promise<void>;
  deletePlaylist(userId: string, playlistId: string): Promise<void>;

  listCollections(): Promise<TargetCollection[]>;
  createCollection(title: string, itemIds: readonly string[]): Promise<TargetCollection>;
  addToCollection(collectionId: string, itemIds: readonly string[]): Promise<void>;
  removeFromCollection(collectionId: string, itemIds: readonly string[]): Promise<void>;
  deleteCollection(collectionId: string): Promise<void>;
}

/**
 * A user this tool created exists without a password: setting it failed (and, right after
 * the creation, deleting the user again failed too). Carries the failure's category (a busy
 * server is worth another try) and the user's id, so the caller can set the password later.
 */
export class UserWithoutPasswordError extends ServiceError {
  constructor(
    readonly userId: string,
    readonly userName: string,
    cause: unknown,
    options: { deleteFailed: boolean },
  ) {
    const service = cause instanceof ServiceError ? cause : undefined;
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      cause instanceof PlexodusError ? cause.category : "failed",
      `user ${JSON.stringify(userName)} exists on the target without a password: setting it failed (${why})${
        options.deleteFailed ? " and deleting the new user failed too" : ""
      }`,
      {
        cause,
        status: service?.status,
        retryAfterMs: service?.retryAfterMs,
        retryable: service?.retryable,
        hint: "Run the same command again: it sets the password before anything else uses the user. Or delete the user on the target.",
      },
    );
    this.name = "UserWithoutPasswordError";
  }
}
