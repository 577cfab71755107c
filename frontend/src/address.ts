/**
 * Pages opened with a wrong or incomplete address (`?id=2` where `?campagne=2` was meant, a
 * personal link cut short, a fiche that does not exist): the page is not half-built around an
 * error, it shows one message saying what is wrong and a link to where the thing is chosen.
 */

import { ApiError } from "./api";
import { el } from "./dom";
import { PLAN_NAME } from "./site";

/** The link offered instead: the list to choose from, or the page that explains. */
export interface WayBack {
  readonly href: string;
  readonly text: string;
}

/** Replaces the page's content (and its title) with the message and the link. */
export function showWrongAddress(heading: string, message: string, back: WayBack): void {
  const main = document.getElementById("contenu");
  if (!main) throw new Error("Élément #contenu absent");
  document.title = `${heading} — ${PLAN_NAME}`;
  main.replaceChildren(
    el("div", { className: "container section" }, [
      el("h1", { text: heading }),
      el("div", { className: "notice notice--error", attributes: { role: "alert" } }, [el("p", { text: message })]),
      el("p", {}, [el("a", { text: back.text, attributes: { href: back.href } })]),
    ]),
  );
}

/** The address's parameter `name` when it is a whole number from 1, else null. */
export function positiveParameter(name: string): number | null {
  const text = new URLSearchParams(window.location.search).get(name) ?? "";
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : null;
}

/** The personal link's token, after `#` (never sent to a server as part of an address). */
export function fragmentToken(): string {
  try {
    return decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
  } catch {
    return ""; // a cut "%" sequence: the link is incomplete
  }
}

/** A refusal that means the address names nothing (unknown, or not of the expected form). */
export function namesNothing(failure: unknown): boolean {
  return failure instanceof ApiError && [400, 404, 410, 422].includes(failure.status);
}
