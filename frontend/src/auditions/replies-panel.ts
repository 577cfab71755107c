/** The console's answers to the invitations: the organiser's mailbox, REPLY import, statuses. */

import { requestJson } from "../api";
import { el } from "../dom";
import { bearerHeaders } from "../headers";
import { call, longDay, parisDay, parisTime } from "./api";

interface AttendeeStatus {
  readonly name: string;
  readonly email: string;
  readonly kind: "member" | "contact";
  readonly partstat: string;
  readonly current: boolean;
  readonly comment: string | null;
}
interface HearingParticipation {
  readonly hearing_id: number;
  readonly title: string;
  readonly starts_at: string;
  readonly attendees: readonly AttendeeStatus[];
}
interface ReplyImport { readonly imported: readonly { readonly email: string; readonly partstat: string }[] }

const ANSWERS: Record<string, string> = {
  "NEEDS-ACTION": "Pas de réponse",
  ACCEPTED: "Accepte",
  DECLINED: "Décline",
  TENTATIVE: "Peut-être",
};

function answer(person: AttendeeStatus): string {
  const label = ANSWERS[person.partstat] ?? person.partstat;
  // An answer to an earlier version (before the hearing moved) must be confirmed again.
  return person.partstat !== "NEEDS-ACTION" && !person.current ? `${label} (version précédente, à reconfirmer)` : label;
}

/** Fills the table: a row per invited person of each published hearing. */
export async function showParticipation(eventId: number, token: string | null, body: HTMLElement): Promise<void> {
  const hearings = await call<HearingParticipation[]>(`/events/${eventId}/participation`, { token });
  const rows = hearings.flatMap((hearing) => hearing.attendees.map((person) => el("tr", {}, [
    el("td", { text: `${hearing.title} — ${longDay(parisDay(hearing.starts_at))} ${parisTime(hearing.starts_at)}` }),
    el("td", { text: `${person.name} <${person.email}>${person.kind === "member" ? " (membre)" : ""}` }),
    el("td", { text: answer(person), attributes: { "data-partstat": person.partstat } }),
    el("td", { text: person.comment ?? "" }),
  ])));
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, [el("td", { text: "Aucune audition publiée.", attributes: { colspan: "4" } })])]));
}

/** Sends a REPLY file (.ics or .eml); returns what the announcement says. */
export async function importReply(eventId: number, token: string | null, file: File): Promise<string> {
  const body = new FormData();
  body.append("file", file);
  const headers: Record<string, string> = token ? bearerHeaders(token) : {};
  const result = (await requestJson("auditions", `/events/${eventId}/replies`, { method: "POST", headers, body })) as ReplyImport;
  return result.imported.map((r) => `${r.email} : ${ANSWERS[r.partstat] ?? r.partstat}`).join(", ");
}

/** Saves the event's organiser mailbox (empty: the service's default), with its version. */
export async function saveOrganizer(eventId: number, token: string | null, address: string, version: number): Promise<void> {
  await call(`/events/${eventId}/organizer`, { method: "PUT", token, version, body: { organizer_email: address || null } });
}
