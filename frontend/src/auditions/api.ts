/** Calls to the hearings API and the shapes it answers, plus Paris-time helpers. */

import { requestJson } from "../api";
import { bearerHeaders, ifMatchHeaders, privateLinkHeaders } from "../headers";

export const PARIS = "Europe/Paris";

export interface Room { readonly id: number; readonly name: string; readonly kind: string; readonly capacity: number | null }
export interface Theme { readonly id: number; readonly name: string }
export interface EventDetail {
  readonly id: number;
  readonly title: string;
  readonly starts_on: string;
  readonly ends_on: string;
  readonly timezone: string;
  readonly excluded_dates: readonly string[];
  readonly exclude_weekends: boolean;
  readonly day_start: string;
  readonly day_end: string;
  readonly lunch_start: string | null;
  readonly lunch_end: string | null;
  readonly grid_minutes: number;
  /** Where calendar clients send their answers; null: the service's default. */
  readonly organizer_email: string | null;
  readonly rooms: readonly Room[];
  readonly themes: readonly Theme[];
  readonly version: number;
}
export interface AgendaEntry {
  readonly hearing_id: number;
  readonly title: string;
  readonly actors: readonly string[];
  readonly theme: string | null;
  readonly room: string;
  readonly starts_at: string;
  readonly ends_at: string;
  readonly mode: string;
  readonly minutes: string | null;
}
export interface Agenda {
  readonly event: { readonly id: number; readonly title: string };
  readonly release: { readonly name: string; readonly changelog: string; readonly created_at: string } | null;
  readonly entries: readonly AgendaEntry[];
}
export interface Warning {
  readonly kind: string;
  readonly severity: string;
  readonly hearing_id: number;
  readonly message: string;
}
export interface Hearing {
  readonly id: number;
  readonly title: string;
  readonly actor_ids: readonly number[];
  readonly duration_minutes: number;
  readonly mode: string;
  readonly room_id: number | null;
  readonly starts_at: string | null;
  readonly ends_at: string | null;
  readonly member_ids: readonly number[];
  readonly cancelled: boolean;
  readonly version: number;
}
export interface Member {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: string;
  readonly theme_id: number | null;
  readonly unavailability: readonly (readonly [string, string])[];
  readonly version: number;
}
export interface Actor {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly contacts: readonly { readonly name: string; readonly email: string }[];
  readonly invitation_status: string | null;
  readonly delegation_size: number | null;
  readonly mode: string | null;
  readonly availability: readonly (readonly { readonly start: string; readonly end: string; readonly answer: string }[])[];
}
export interface Draft {
  readonly event: EventDetail;
  readonly hearings: readonly Hearing[];
  readonly members: readonly Member[];
  readonly actors: readonly Actor[];
  readonly warnings: readonly Warning[];
}
export interface OutboxItem {
  readonly id: number;
  readonly status: string;
  readonly kind: string;
  readonly recipients: string;
  readonly subject: string;
  readonly preview: string | null;
}
export interface InvitationForm {
  readonly event: EventDetail;
  readonly actor_name: string;
  readonly contact_name: string;
  readonly status: string;
  readonly delegation_size: number | null;
  readonly mode: string | null;
  readonly contribution: string | null;
  readonly availability: readonly { readonly start: string; readonly end: string; readonly answer: string }[];
  readonly version: number;
}

/** What a call sends: a staff token or a private link's token, and the version an edit is based on. */
export interface CallOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly token?: string | null;
  readonly link?: string;
  readonly version?: number;
}

/** JSON call to the hearings API, with the staff token (or the private link) when given. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.token) Object.assign(headers, bearerHeaders(options.token));
  if (options.link !== undefined) Object.assign(headers, privateLinkHeaders(options.link));
  if (options.version !== undefined) Object.assign(headers, ifMatchHeaders(options.version));
  const init: RequestInit = { method: options.method ?? "GET", headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  return (await requestJson("auditions", path, init)) as T;
}

const dayFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: PARIS, weekday: "long", day: "numeric", month: "long", year: "numeric" });
const timeFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: PARIS, hour: "2-digit", minute: "2-digit" });
const isoDayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: PARIS, year: "numeric", month: "2-digit", day: "2-digit" });

/** "mercredi 12 juillet 2023" for a YYYY-MM-DD day. */
export function longDay(day: string): string {
  return dayFormat.format(new Date(`${day}T12:00:00Z`));
}

/** "10:15", Paris time. */
export function parisTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** The Paris day (YYYY-MM-DD) of an instant. */
export function parisDay(iso: string): string {
  return isoDayFormat.format(new Date(iso));
}

/** The instant of a Paris wall-clock time, as ISO 8601 with its offset. */
export function parisInstant(day: string, hhmm: string): string {
  const guess = new Date(`${day}T${hhmm}:00Z`);
  const shown = new Date(`${isoDayFormat.format(guess)}T${timeFormat.format(guess)}:00Z`);
  const offsetMinutes = Math.round((shown.getTime() - guess.getTime()) / 60000);
  const instant = new Date(guess.getTime() - offsetMinutes * 60000);
  return instant.toISOString();
}

/** The event's working days: its dates minus excluded dates and weekends. */
export function workingDays(event: EventDetail): string[] {
  const days: string[] = [];
  const end = new Date(`${event.ends_on}T12:00:00Z`);
  for (let day = new Date(`${event.starts_on}T12:00:00Z`); day <= end; day.setUTCDate(day.getUTCDate() + 1)) {
    const iso = day.toISOString().slice(0, 10);
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
    if (event.excluded_dates.includes(iso) || (event.exclude_weekends && weekend)) continue;
    days.push(iso);
  }
  return days;
}

/** "HH:MM" steps from `start` to `end` (excluded) every `minutes`. */
export function timeSteps(start: string, end: string, minutes: number): string[] {
  const toMinutes = (value: string): number => Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
  const steps: string[] = [];
  for (let t = toMinutes(start); t < toMinutes(end); t += minutes) {
    steps.push(`${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`);
  }
  return steps;
}

export const MODES: Record<string, string> = { in_person: "Sur place", remote: "À distance", hybrid: "Hybride" };
