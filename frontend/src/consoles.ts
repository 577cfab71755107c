/** The staff consoles, and which roles open each (as the APIs check them). */

export interface Console {
  readonly file: string;
  readonly label: string;
  readonly roles: readonly string[];
}

export const CONSOLES: readonly Console[] = [
  { file: "moderation.html", label: "Modération de la bibliothèque", roles: ["admin", "moderator"] },
  { file: "enquetes-console.html", label: "Console des enquêtes", roles: ["admin", "analyst"] },
  { file: "auditions-console.html", label: "Console des auditions", roles: ["admin", "organiser"] },
];

export function consolesFor(roles: readonly string[]): Console[] {
  return CONSOLES.filter((console) => console.roles.some((role) => roles.includes(role)));
}

/** A page of this site to come back to after signing in (`?retour=`), never another site. */
export function returnPage(search: string, known: readonly string[]): string | null {
  const page = new URLSearchParams(search).get("retour");
  return page && known.includes(page.split(/[?#]/)[0] ?? "") && /^[a-z-]+\.html([?#][^/]*)?$/.test(page) ? page : null;
}
