import { badRequest, forbidden, unauthorized } from "../http-error.js";
import { jellyfinAtLeast, type Personality, type Route, type RouteContext } from "../personality.js";
import type { StoredUser } from "../store.js";
import { formatDate } from "../store.js";
import { actingUser, noContent, ok } from "./common.js";

const PROVIDERS = {
  AuthenticationProviderId: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
  PasswordResetProviderId: "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider",
};

export function userDto(p: Personality, context: RouteContext, user: StoredUser): Record<string, unknown> {
  // Jellyfin 12 no longer computes these: obsolete and always true (target-apis §12.3).
  const hasPassword = jellyfinAtLeast(p, "12.0") || user.password !== "";
  const policy: Record<string, unknown> = {
    ...user.policyExtra,
    IsAdministrator: user.isAdmin,
    IsHidden: user.isHidden,
    IsDisabled: user.isDisabled,
    EnableAllFolders: user.policyExtra.EnableAllFolders ?? true,
    EnabledFolders: user.policyExtra.EnabledFolders ?? [],
  };
  if (p.kind === "jellyfin") Object.assign(policy, PROVIDERS, pick(user.policyExtra, Object.keys(PROVIDERS)));
  const dto: Record<string, unknown> = {
    Name: user.name,
    ServerId: context.store.serverId,
    Id: user.id,
    HasPassword: hasPassword,
    HasConfiguredPassword: hasPassword,
    HasConfiguredEasyPassword: false,
    EnableAutoLogin: false,
    Policy: policy,
  };
  if (user.lastLoginDate) dto.LastLoginDate = user.lastLoginDate;
  return dto;
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

function field(body: unknown, name: string): unknown {
  if (!body || typeof body !== "object") return undefined;
  for (const [key, value] of Object.entries(body)) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/**
 * Username rules (JF UserManager): 10.11 allows "+" and rejects leading/trailing spaces. .NET's
 * `\w` is Unicode-aware (letters of any script, combining marks, digits, connectors), unlike
 * JavaScript's ASCII `\w`, so it is spelled out; characters above U+FFFF (emoji) are two UTF-16
 * surrogates in .NET and match nothing, which `u`-mode code points outside these classes mirror.
 */
const WORD = String.raw`\p{L}\p{Mn}\p{Nd}\p{Pc}`;
const NAME_10_11 = new RegExp(String.raw`^(?!\s)[${WORD} \-'._@+]+(?<!\s)$`, "u");
const NAME_OLDER = new RegExp(String.raw`^[${WORD} \-'._@]+$`, "u");

/** Jellyfin 12's UserManager.ThrowIfInvalidUsername also refuses these two (target-apis §12.3). */
const DOT_NAMES = new Set([".", ".."]);

function checkName(p: Personality, name: string): void {
  const valid =
    p.kind === "emby"
      ? name.trim().length > 0
      : (p.atLeast("10.11") ? NAME_10_11 : NAME_OLDER).test(name) &&
        !(p.atLeast("12.0") && DOT_NAMES.has(name));
  if (!valid) {
    throw badRequest(
      `Usernames can contain unicode symbols, numbers (0-9), dashes (-), underscores (_), apostrophes ('), and periods (.) (Parameter 'name')`,
    );
  }
}

function createUser(context: RouteContext) {
  const p = context.personality;
  const name = field(context.body, "Name");
  if (typeof name !== "string" || name === "") {
    if (p.kind === "jellyfin") throw badRequest("Value cannot be null. (Parameter 'name')");
    throw badRequest("Name is required.");
  }
  checkName(p, name);
  if (context.store.userByName(name)) throw badRequest(`A user with the name '${name}' already exists.`);
  const password = field(context.body, "Password");
  const user = context.store.addUser(
    name,
    p.kind === "jellyfin" && typeof password === "string" ? password : "",
    false,
  );
  return ok(userDto(p, context, user));
}

function authenticate(context: RouteContext) {
  const p = context.personality;
  const client = context.authClient;
  if (p.kind === "jellyfin") {
    for (const key of ["Client", "Device", "DeviceId", "Version"]) {
      if (!client[key]) throw badRequest(`${key} is required`);
    }
  }
  const username = field(context.body, "Username");
  const password = field(context.body, "Pw") ?? field(context.body, "Password") ?? "";
  const user = typeof username === "string" ? context.store.userByName(username) : undefined;
  if (!user || user.password !== password) throw unauthorized("Invalid username or password entered.");
  if (user.isDisabled) throw unauthorized("User account has been disabled.");
  const deviceId = client.DeviceId ?? "";
  // One token per (user, device): a new login on the same device revokes the old token.
  for (const [token, session] of context.store.tokens) {
    if (session.userId === user.id && session.deviceId === deviceId && deviceId !== "")
      context.store.tokens.delete(token);
  }
  const token = context.store.ids.token();
  context.store.tokens.set(token, { userId: user.id, deviceId });
  user.lastLoginDate = formatDate(context.now());
  return ok({ User: userDto(p, context, user), AccessToken: token, ServerId: context.store.serverId });
}

function updatePolicy(context: RouteContext, user: StoredUser) {
  const body = (context.body ?? {}) as Record<string, unknown>;
  const isAdmin = field(body, "IsAdministrator");
  const isDisabled = field(body, "IsDisabled");
  const admins = context.store.users.filter((u) => u.isAdmin && !u.isDisabled);
  if (user.isAdmin && (isAdmin === false || isDisabled === true) && admins.length <= 1) {
    throw forbidden("There must be at least one user in the system with administrative access.");
  }
  if (isAdmin === true && isDisabled === true) throw forbidden("Administrators cannot be disabled.");
  const { IsAdministrator: _a, IsDisabled: _d, IsHidden: _h, ...rest } = body;
  user.policyExtra = rest;
  if (typeof isAdmin === "boolean") user.isAdmin = isAdmin;
  if (typeof isDisabled === "boolean") user.isDisabled = isDisabled;
  const hidden = field(body, "IsHidden");
  if (typeof hidden === "boolean") user.isHidden = hidden;
  return noContent();
}

function setPassword(context: RouteContext, user: StoredUser) {
  const reset = field(context.body, "ResetPassword") === true;
  const next = field(context.body, "NewPw");
  if (!reset && context.caller && !context.caller.isAdmin) {
    if ((field(context.body, "CurrentPw") ?? "") !== user.password)
      throw forbidden("Invalid user or password entered.");
  }
  user.password = reset ? "" : typeof next === "string" ? next : "";
  // Changing a password revokes the user's other sessions.
  for (const [token, session] of context.store.tokens)
    if (session.userId === user.id) context.store.tokens.delete(token);
  return noContent();
}

function deleteUser(context: RouteContext, user: StoredUser) {
  context.notifier?.deleting(user.id, user.name);
  context.store.deleteUser(user);
  return noContent();
}

const userIn = (context: RouteContext) => {
  const id = context.params.userid ?? context.params.id ?? context.query.get("userId");
  return actingUser(context, id);
};

export function userRoutes(p: Personality): Route[] {
  const jf = p.kind === "jellyfin";
  const id = jf ? "{userId}" : "{Id}";
  const list = (context: RouteContext) =>
    context.store.users
      .filter((user) => {
        const hidden = context.query.bool("isHidden");
        const disabled = context.query.bool("isDisabled");
        return (
          (hidden === undefined || user.isHidden === hidden) &&
          (disabled === undefined || user.isDisabled === disabled)
        );
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((user) => userDto(p, context, user));
  const routes: Route[] = [
    { method: "GET", path: `/Users/${id}`, auth: "user", handler: (c) => ok(userDto(p, c, userIn(c))) },
    { method: "DELETE", path: `/Users/${id}`, auth: "admin", handler: (c) => deleteUser(c, userIn(c)) },
    { method: "POST", path: "/Users/New", auth: "admin", handler: createUser },
    { method: "POST", path: "/Users/AuthenticateByName", auth: "none", handler: authenticate },
    {
      method: "POST",
      path: `/Users/${id}/Policy`,
      auth: "admin",
      handler: (c) => updatePolicy(c, userIn(c)),
    },
    {
      method: "GET",
      path: "/Users/Public",
      auth: "none",
      handler: (c) =>
        ok(c.store.users.filter((u) => !u.isHidden && !u.isDisabled).map((u) => userDto(p, c, u))),
    },
  ];
  if (jf) {
    routes.push(
      { method: "GET", path: "/Users", auth: "user", handler: (c) => ok(list(c)) },
      {
        method: "GET",
        path: "/Users/Me",
        auth: "user",
        handler: (c) => {
          if (!c.caller?.userId) throw badRequest("User not found");
          return ok(userDto(p, c, c.store.userById(c.caller.userId)!));
        },
      },
      p.atLeast("10.9")
        ? { method: "POST", path: "/Users/Password", auth: "user", handler: (c) => setPassword(c, userIn(c)) }
        : {
            method: "POST",
            path: `/Users/${id}/Password`,
            auth: "user",
            handler: (c) => setPassword(c, userIn(c)),
          },
    );
    if (p.atLeast("10.9")) {
      routes.push({
        method: "POST",
        path: `/Users/${id}/Password`,
        operation: "POST /Users/Password",
        hidden: true,
        auth: "user",
        handler: (c) => setPassword(c, userIn(c)),
      });
    }
  } else {
    routes.push(
      {
        method: "GET",
        path: "/Users/Query",
        auth: "user",
        handler: (c) => {
          const all = list(c);
          const start = c.query.int("StartIndex") ?? 0;
          const limit = c.query.int("Limit");
          return ok({
            Items: all.slice(start, limit === undefined ? undefined : start + limit),
            TotalRecordCount: all.length,
          });
        },
      },
      {
        // Undocumented in 4.7–4.9 but answered (target-apis §3): same users as /Users/Query, as an array.
        method: "GET",
        path: "/Users",
        operation: "GET /Users/Query",
        hidden: true,
        responseSchema: { type: "array", items: { $ref: "#/components/schemas/UserDto" } },
        auth: "user",
        handler: (c) => ok(list(c)),
      },
      {
        method: "POST",
        path: `/Users/${id}/Password`,
        auth: "user",
        handler: (c) => setPassword(c, userIn(c)),
      },
    );
  }
  return routes;
}

export function systemRoutes(p: Personality): Route[] {
  const info = (context: RouteContext) =>
    p.kind === "jellyfin"
      ? {
          LocalAddress: context.baseUrl,
          ServerName: context.store.serverName,
          Version: p.fullVersion,
          ProductName: "Jellyfin Server",
          OperatingSystem: "",
          Id: context.store.serverId,
          StartupWizardCompleted: true,
        }
      : {
          LocalAddress: context.baseUrl,
          LocalAddresses: [context.baseUrl],
          RemoteAddresses: [],
          ServerName: context.store.serverName,
          Version: p.fullVersion,
          Id: context.store.serverId,
        };
  return [
    { method: "GET", path: "/System/Info/Public", auth: "none", handler: (c) => ok(info(c)) },
    {
      method: "GET",
      path: "/System/Ping",
      auth: "none",
      handler: () => (p.kind === "jellyfin" ? ok("Jellyfin Server") : { status: 200, text: "Emby Server" }),
    },
  ];
}
