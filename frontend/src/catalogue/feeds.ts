/**
 * Atom feeds of the catalogue: the visible « S'abonner (Atom) » link, and the head's
 * `<link rel="alternate">` that feed readers and browser extensions look for. Both are set
 * here because the API's address comes from the runtime configuration.
 */

import { apiUrl } from "./api";

const ATOM = "application/atom+xml";

/** Point `link` and the page's alternate link at the feed `path` of the catalogue API. */
export async function offerFeed(link: HTMLAnchorElement, path: string, title: string): Promise<void> {
  const url = await apiUrl(path);
  link.href = url;
  link.type = ATOM;
  let alternate = document.head.querySelector<HTMLLinkElement>(`link[rel="alternate"][type="${ATOM}"]`);
  if (alternate === null) {
    alternate = document.createElement("link");
    alternate.rel = "alternate";
    alternate.type = ATOM;
    document.head.append(alternate);
  }
  alternate.href = url;
  alternate.title = title;
}

/** The feed of a search: its words and filters, as `GET /use-cases` reads them. */
export function searchFeedPath(q: string, filters: ReadonlyMap<string, readonly string[]>): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [name, values] of filters) for (const value of values) params.append(name, value);
  const query = params.toString();
  return `/feeds/use-cases.atom${query ? `?${query}` : ""}`;
}
