/** The request headers the three APIs share: how a private link, a staff token and a version travel. */

/** A private link's token (the part of an e-mailed address after #), never taken for a staff token. */
export function privateLinkHeaders(token: string): Record<string, string> {
  return { Authorization: `PrivateLink ${token}` };
}

/** A signed-in staff member's bearer token. */
export function bearerHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** The version an edit is based on: every staff update must send it (428 without, 412 when stale). */
export function ifMatchHeaders(version: number): Record<string, string> {
  return { "If-Match": `"${version}"` };
}
