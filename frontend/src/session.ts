/** The staff member's bearer token, kept for this browser tab only (sessionStorage). */

const KEY = "iat.session";

interface StoredSession {
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The roles the token carries, for the menu of every page (the APIs check them anyway). */
  readonly roles?: readonly string[];
}

export function saveToken(accessToken: string, expiresInSeconds: number): void {
  const session: StoredSession = { accessToken, expiresAt: Date.now() + expiresInSeconds * 1000 };
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Storage disabled: the sign-in still works for this page.
  }
}

/** The stored token, or null when there is none or it has expired. */
export function loadToken(): string | null {
  let raw: string | null;
  try {
    raw = window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const session = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof session.accessToken === "string" && typeof session.expiresAt === "number" && session.expiresAt > Date.now()) {
      return session.accessToken;
    }
  } catch {
    // Unreadable: dropped below.
  }
  clearToken();
  return null;
}

export function clearToken(): void {
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

/** The roles of the signed-in person, kept at sign-in; [] when nobody is signed in. */
export function loadRoles(): readonly string[] {
  if (loadToken() === null) return [];
  try {
    const session = JSON.parse(window.sessionStorage.getItem(KEY) ?? "{}") as Partial<StoredSession>;
    return Array.isArray(session.roles) ? session.roles : [];
  } catch {
    return [];
  }
}

export function saveRoles(roles: readonly string[]): void {
  try {
    const session = JSON.parse(window.sessionStorage.getItem(KEY) ?? "{}") as StoredSession;
    window.sessionStorage.setItem(KEY, JSON.stringify({ ...session, roles }));
  } catch {
    // Storage disabled: the menu keeps "Connexion".
  }
}
