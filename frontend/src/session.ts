/** The staff member's bearer token, kept for this browser tab only (sessionStorage). */

const KEY = "iat.session";

interface StoredSession {
  readonly accessToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
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
