/** The console's releases (list and last diff) and minutes editor. */

import { requestJson } from "../api";
import { el } from "../dom";
import { bearerHeaders } from "../headers";
import { call, longDay, parisDay, parisTime, type AgendaEntry, type Hearing } from "./api";

interface ReleaseItem { readonly id: number; readonly name: string; readonly changelog: string; readonly created_at: string }
interface Diff {
  readonly added: readonly AgendaEntry[];
  readonly removed: readonly AgendaEntry[];
  readonly moved: readonly { readonly before: AgendaEntry; readonly after: AgendaEntry }[];
}
interface MinutesView { readonly body: string; readonly status: string; readonly version: number }

function when(entry: AgendaEntry): string {
  return `${longDay(parisDay(entry.starts_at))} ${parisTime(entry.starts_at)}, ${entry.room}`;
}

/** Fills the list of releases and the changes of the latest one. */
export async function showReleases(eventId: number, list: HTMLElement, changes: HTMLElement): Promise<void> {
  const releases = await call<ReleaseItem[]>(`/events/${eventId}/releases`);
  list.replaceChildren(...releases.map((r) => el("li", { text: `${r.name} — ${r.changelog}` })));
  const [latest, previous] = releases;
  if (!latest || !previous) {
    changes.replaceChildren(el("li", { text: "Aucune version précédente à comparer." }));
    return;
  }
  const diff = await call<Diff>(`/events/${eventId}/releases/diff?from=${previous.id}&to=${latest.id}`);
  const items = [
    ...diff.added.map((e) => `Ajoutée : ${e.title} (${when(e)})`),
    ...diff.moved.map((m) => `Déplacée : ${m.after.title} (${when(m.before)} → ${when(m.after)})`),
    ...diff.removed.map((e) => `Retirée : ${e.title}`),
  ];
  changes.replaceChildren(...(items.length ? items : ["Aucun changement."]).map((text) => el("li", { text })));
}

/** The minutes editor: loads the chosen hearing's minutes and saves them with their version. */
export class MinutesEditor {
  private version = 0;

  constructor(
    private readonly eventId: () => number,
    private readonly token: string | null,
    private readonly hearing: HTMLSelectElement,
    private readonly body: HTMLTextAreaElement,
    private readonly status: HTMLSelectElement,
  ) {
    hearing.addEventListener("change", () => void this.load());
  }

  setHearings(hearings: readonly Hearing[]): void {
    const kept = this.hearing.value;
    this.hearing.replaceChildren(...hearings.map((h) => el("option", { text: h.title, attributes: { value: String(h.id) } })));
    if (hearings.some((h) => String(h.id) === kept)) this.hearing.value = kept;
    if (kept !== this.hearing.value || this.version === 0) void this.load();
  }

  async load(): Promise<void> {
    if (!this.hearing.value) return;
    // Nothing can be typed until the chosen hearing's text is in, so it never overwrites it.
    this.body.disabled = true;
    this.status.disabled = true;
    try {
      const minutes = await call<MinutesView>(`/events/${this.eventId()}/hearings/${this.hearing.value}/minutes`, { token: this.token });
      this.body.value = minutes.body;
      this.status.value = minutes.status;
      this.version = minutes.version;
    } finally {
      this.body.disabled = false;
      this.status.disabled = false;
    }
  }

  async save(): Promise<void> {
    const saved = await call<MinutesView>(`/events/${this.eventId()}/hearings/${this.hearing.value}/minutes`, {
      method: "PUT",
      token: this.token,
      version: this.version,
      body: { body: this.body.value, status: this.status.value },
    });
    this.version = saved.version;
  }
}

interface AttachmentItem { readonly id: number; readonly filename: string; readonly visibility: string }

/** Lists a hearing's attachments. */
export async function showAttachments(eventId: number, hearingId: string, token: string | null, list: HTMLElement): Promise<void> {
  if (!hearingId) return;
  const items = await call<AttachmentItem[]>(`/events/${eventId}/hearings/${hearingId}/attachments`, { token });
  list.replaceChildren(...items.map((a) => el("li", { text: `${a.filename} (${a.visibility === "public" ? "publique" : "interne"})` })));
}

/** Sends a file as multipart form data (the browser sets its boundary). */
export async function uploadAttachment(eventId: number, hearingId: string, token: string | null, file: File, visibility: string): Promise<void> {
  const body = new FormData();
  body.append("file", file);
  body.append("visibility", visibility);
  const headers: Record<string, string> = token ? bearerHeaders(token) : {};
  await requestJson("auditions", `/events/${eventId}/hearings/${hearingId}/attachments`, { method: "POST", headers, body });
}
