/** Where a hearing's organisation can come: the intersection of its people's answers. */

import type { Actor, Hearing } from "./api";

export type Fit = "yes" | "maybe" | "no" | "unknown";

interface Span {
  readonly start: number;
  readonly end: number;
}

function merged(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last && span.start <= last.end) {
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
    } else {
      out.push(span);
    }
  }
  return out;
}

function inside(spans: Span[], start: number, end: number): boolean {
  return spans.some((s) => s.start <= start && end <= s.end);
}

/** A function telling, for a start instant (ISO), how well the hearing fits its actors. */
export function fitFor(hearing: Hearing, actors: readonly Actor[]): (startIso: string) => Fit {
  const people = actors
    .filter((a) => hearing.actor_ids.includes(a.id))
    .flatMap((a) => a.availability)
    .map((windows) => {
      const all = windows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
      const yes = windows.filter((w) => w.answer === "yes").map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }));
      return { all: merged(all), yes: merged(yes) };
    });
  return (startIso) => {
    if (people.length === 0) return "unknown";
    const start = Date.parse(startIso);
    const end = start + hearing.duration_minutes * 60_000;
    if (!people.every((p) => inside(p.all, start, end))) return "no";
    return people.every((p) => inside(p.yes, start, end)) ? "yes" : "maybe";
  };
}
