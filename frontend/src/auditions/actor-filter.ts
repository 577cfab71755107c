/**
 * Search and invitation filter over the console's organisations table: with many organisations,
 * the one to invite or to remind is found by its name, its contact or the state of its
 * invitation, as in pretalx's and Indico's lists. Rows are hidden, not rebuilt.
 */

import { byId } from "../dom";
import type { Actor } from "./api";

/** Lowercase, without accents: "Métropole" is found by "metropole". */
function folded(text: string): string {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
}

/** What a row is searched and filtered on, kept on the row itself. */
export function describeRow(row: HTMLTableRowElement, actor: Actor): void {
  row.dataset["search"] = folded([actor.name, ...actor.contacts.flatMap((c) => [c.name, c.email])].join(" "));
  row.dataset["state"] = actor.invitation_status ?? "none";
}

export class ActorFilter {
  private readonly search = byId("organisations-recherche", HTMLInputElement);
  private readonly state = byId("organisations-etat", HTMLSelectElement);
  private readonly count = byId("organisations-compte", HTMLElement);

  constructor(private readonly body: HTMLElement) {
    byId("organisations-filtre", HTMLFormElement).addEventListener("submit", (event) => event.preventDefault());
    this.search.addEventListener("input", () => this.apply());
    this.state.addEventListener("change", () => this.apply());
  }

  /** Shows the rows that match, and says how many of how many. */
  apply(): void {
    const words = folded(this.search.value).split(/\s+/).filter(Boolean);
    const rows = [...this.body.querySelectorAll<HTMLTableRowElement>("tr")];
    let shown = 0;
    for (const row of rows) {
      const text = row.dataset["search"] ?? "";
      const visible = words.every((word) => text.includes(word)) && (!this.state.value || row.dataset["state"] === this.state.value);
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    const filtered = words.length > 0 || this.state.value !== "";
    this.count.textContent = filtered ? `${shown} organisation${shown > 1 ? "s" : ""} affichée${shown > 1 ? "s" : ""} sur ${rows.length}.` : "";
  }
}
