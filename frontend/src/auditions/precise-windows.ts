/** Precise availability windows, for a day where half-days are too coarse. */

import { el } from "../dom";
import { longDay } from "./api";

export interface PreciseWindow {
  readonly day: string;
  readonly start: string;
  readonly end: string;
  readonly answer: string;
}

const ANSWERS: Record<string, string> = { yes: "Oui", maybe: "Si besoin" };

export class PreciseWindows {
  private items: PreciseWindow[] = [];

  constructor(
    private readonly list: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  get windows(): readonly PreciseWindow[] {
    return this.items;
  }

  /** Days that have precise windows: their half-day answers are replaced. */
  get days(): Set<string> {
    return new Set(this.items.map((w) => w.day));
  }

  set(items: readonly PreciseWindow[]): void {
    this.items = [...items];
    this.render();
  }

  /** Adds a window; returns an error message when it is not valid. */
  add(window: PreciseWindow): string | null {
    if (!window.day || !window.start || !window.end) return "Choisissez un jour, un début et une fin.";
    if (window.end <= window.start) return "La fin du créneau doit suivre son début.";
    const overlap = this.items.some((w) => w.day === window.day && w.start < window.end && window.start < w.end);
    if (overlap) return "Ce créneau chevauche un créneau déjà ajouté.";
    this.items.push(window);
    this.items.sort((a, b) => (a.day + a.start).localeCompare(b.day + b.start));
    this.render();
    return null;
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.items.map((w, index) => {
        const label = `${longDay(w.day)}, ${w.start}–${w.end} : ${ANSWERS[w.answer] ?? w.answer}`;
        const remove = el("button", {
          className: "button button--secondary",
          text: "Retirer",
          attributes: { type: "button", "aria-label": `Retirer le créneau du ${label}` },
        });
        remove.addEventListener("click", () => {
          this.items.splice(index, 1);
          this.render();
        });
        return el("li", {}, [el("span", { text: `${label} ` }), remove]);
      }),
    );
    this.onChange();
  }
}
