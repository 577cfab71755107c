/** The public agenda (latest release): by day and room, or as one list. Text only, no HTML. */

import { el } from "../dom";
import { longDay, MODES, parisDay, parisTime, type Agenda, type AgendaEntry } from "./api";

function entryItem(entry: AgendaEntry): HTMLElement {
  const when = `${parisTime(entry.starts_at)}–${parisTime(entry.ends_at)}`;
  const details = [entry.actors.join(", "), entry.theme, MODES[entry.mode]].filter(Boolean).join(" · ");
  return el("li", { className: "card" }, [
    el("p", { className: "card__title", text: `${when} — ${entry.title}` }),
    el("p", { text: `${entry.room}${details ? " · " + details : ""}` }),
    entry.minutes ? minutesBlock(entry.minutes) : null,
  ]);
}

/** Published minutes are markdown written by staff: shown as plain paragraphs, never as HTML. */
function minutesBlock(markdown: string): HTMLElement {
  const paragraphs = markdown.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return el("details", {}, [el("summary", { text: "Compte rendu" }), ...paragraphs.map((p) => el("p", { text: p }))]);
}

export function renderAgenda(agenda: Agenda, view: "jour" | "liste"): HTMLElement[] {
  const entries = [...agenda.entries].sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.room.localeCompare(b.room));
  if (view === "liste") {
    return [el("ul", { className: "cards" }, entries.map((e) => {
      const item = entryItem(e);
      item.prepend(el("p", { className: "hint", text: longDay(parisDay(e.starts_at)) }));
      return item;
    }))];
  }
  const days = [...new Set(entries.map((e) => parisDay(e.starts_at)))];
  return days.map((day) => {
    const ofDay = entries.filter((e) => parisDay(e.starts_at) === day);
    const rooms = [...new Set(ofDay.map((e) => e.room))].sort();
    return el("section", { className: "aud-agenda-day" }, [
      el("h3", { text: longDay(day) }),
      ...rooms.flatMap((room) => [
        el("h4", { text: room }),
        el("ul", { className: "cards" }, ofDay.filter((e) => e.room === room).map(entryItem)),
      ]),
    ]);
  });
}
