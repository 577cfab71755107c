/**
 * The organisers' console: organisations and invitations, hearings, the grid editor with its
 * warnings (drag and drop, or the "Placer" form from the keyboard), releases and the outbox.
 */

import "../auditions/auditions.css";
import { ApiError, errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { loadToken } from "../session";
import {
  call, longDay, MODES, parisDay, parisInstant, parisTime, timeSteps, workingDays,
  type Draft, type Hearing, type OutboxItem, type Warning,
} from "../auditions/api";
import { fitFor, type Fit } from "../auditions/availability";
import { MinutesEditor, showAttachments, showReleases, uploadAttachment } from "../auditions/console-extras";
import { importReply, saveOrganizer, showParticipation } from "../auditions/replies-panel";
import { ActorFilter, describeRow } from "../auditions/actor-filter";
import { SolverPanel } from "../auditions/solver-panel";

const status = byId("console-etat", HTMLElement);
const error = byId("console-erreur", HTMLElement);
const consoleBox = byId("console", HTMLElement);
const actorsBody = byId("organisations", HTMLElement);
const actorFilter = new ActorFilter(actorsBody);
const grid = byId("grille", HTMLElement);
const gridDay = byId("grille-jour", HTMLSelectElement);
const unplaced = byId("non-placees", HTMLElement);
const warningsList = byId("alertes", HTMLElement);
const warningsStatus = byId("alertes-etat", HTMLElement);
const placeHearing = byId("place-audition", HTMLSelectElement);
const placeDay = byId("place-jour", HTMLSelectElement);
const placeTime = byId("place-heure", HTMLSelectElement);
const placeRoom = byId("place-salle", HTMLSelectElement);
const placeMember = byId("place-membre", HTMLSelectElement);
const outboxBody = byId("envois", HTMLElement);
const repliesBody = byId("reponses", HTMLElement);
const organizerInput = byId("organisateur-adresse", HTMLInputElement);

const token = loadToken();
let eventId = 0;
let draft: Draft | null = null;
const minutes = new MinutesEditor(
  () => eventId,
  token,
  byId("cr-audition", HTMLSelectElement),
  byId("cr-texte", HTMLTextAreaElement),
  byId("cr-statut", HTMLSelectElement),
);

function options(select: HTMLSelectElement, items: readonly { value: string; label: string }[]): void {
  const kept = select.value;
  select.replaceChildren(...items.map((item) => el("option", { text: item.label, attributes: { value: item.value } })));
  if (items.some((item) => item.value === kept)) select.value = kept;
}

/** Shown when an edit was based on a version a colleague has changed since (412). */
const STALE =
  "Quelqu'un a modifié cette fiche depuis que vous l'avez ouverte : vos changements n'ont pas été enregistrés. " +
  "La page a été rechargée avec la version actuelle ; refaites votre modification.";

async function run(action: () => Promise<void>, done?: string): Promise<void> {
  showError(error, "");
  try {
    await action();
    if (done) announce(status, done);
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 412) {
      await reloadAfterConflict();
      return;
    }
    showError(error, errorMessage(failure));
  }
}

async function reloadAfterConflict(): Promise<void> {
  try {
    await refresh();
    await minutes.load();
    showError(error, STALE);
  } catch (failure) {
    showError(error, errorMessage(failure));
  }
}

async function refresh(): Promise<void> {
  draft = await call<Draft>(`/events/${eventId}/draft`, { token });
  render(draft);
  renderOutbox(await call<OutboxItem[]>(`/events/${eventId}/outbox`, { token }));
  await showReleases(eventId, byId("versions", HTMLElement), byId("difference", HTMLElement));
  await showAttachments(eventId, minutesHearing.value, token, attachmentList);
  await showParticipation(eventId, token, repliesBody);
}

function render(data: Draft): void {
  const days = workingDays(data.event);
  const dayItems = days.map((d) => ({ value: d, label: longDay(d) }));
  options(gridDay, dayItems);
  options(placeDay, dayItems);
  options(placeTime, timeSteps(data.event.day_start, data.event.day_end, data.event.grid_minutes).map((t) => ({ value: t, label: t })));
  options(placeRoom, data.event.rooms.map((r) => ({ value: String(r.id), label: r.name })));
  const members = [{ value: "", label: "Aucun" }, ...data.members.map((m) => ({ value: String(m.id), label: `${m.name} (${m.role})` }))];
  options(placeMember, members);
  options(byId("aud-membre", HTMLSelectElement), members);
  options(memberSelect, data.members.map((m) => ({ value: String(m.id), label: `${m.name} (${m.role})` })));
  options(byId("indispo-jour", HTMLSelectElement), dayItems);
  showUnavailability();
  byId("aud-candidats", HTMLElement).replaceChildren(...data.members.map((m) => {
    const id = `aud-candidat-${m.id}`;
    return el("div", { className: "field" }, [
      el("input", { attributes: { id, type: "checkbox", value: String(m.id) } }),
      el("label", { text: `${m.name} (${m.role})`, attributes: { for: id } }),
    ]);
  }));
  const live = data.hearings.filter((h) => !h.cancelled);
  options(placeHearing, live.map((h) => ({ value: String(h.id), label: h.title })));
  options(byId("aud-organisation", HTMLSelectElement), data.actors.map((a) => ({ value: String(a.id), label: a.name })));
  options(byId("aud-theme", HTMLSelectElement), [{ value: "", label: "Aucun" }, ...data.event.themes.map((t) => ({ value: String(t.id), label: t.name }))]);
  for (const id of ["aud-au-plus-tot", "aud-au-plus-tard"]) {
    const input = byId(id, HTMLInputElement);
    input.min = data.event.starts_on;
    input.max = data.event.ends_on;
  }
  organizerInput.value = data.event.organizer_email ?? "";
  renderActors(data);
  renderWarnings(data.warnings.filter((w) => w.kind !== "unscheduled"));
  renderGrid(data, live);
  minutes.setHearings(live.filter((h) => h.starts_at !== null));
}

/** The row's action: invite, remind while no answer came, or send the link again after one. */
function inviteLabel(status: string | null): string {
  if (!status) return "Inviter";
  return status === "sent" ? "Relancer" : "Renvoyer le lien à";
}

function renderActors(data: Draft): void {
  actorsBody.replaceChildren(...data.actors.map((actor) => {
    const action = inviteLabel(actor.invitation_status);
    const invite = el("button", { className: "button button--secondary", text: action.replace(/ à$/, ""), attributes: { type: "button", "aria-label": `${action} ${actor.name}` } });
    invite.addEventListener("click", () => void run(async () => {
      await call(`/events/${eventId}/invitations`, { method: "POST", token, body: { actor_id: actor.id } });
      await refresh();
    }, `Invitation envoyée à ${actor.name}.`));
    const label = { sent: "Envoyée", answered: "Répondu", declined: "Déclinée" }[actor.invitation_status ?? ""] ?? "Non invitée";
    const details = actor.invitation_status === "answered"
      ? ` (${actor.delegation_size ?? "?"} pers., ${MODES[actor.mode ?? ""] ?? "mode non précisé"})`
      : "";
    const state = label + details;
    const row = el("tr", {}, [
      el("td", { text: actor.name }),
      el("td", { text: actor.contacts.map((c) => `${c.name} <${c.email}>`).join(", ") }),
      el("td", { text: state }),
      el("td", {}, [invite]),
    ]);
    describeRow(row, actor);
    return row;
  }));
  actorFilter.apply();
}

function renderWarnings(warnings: readonly Warning[]): void {
  const titles = new Map((draft?.hearings ?? []).map((h) => [h.id, h.title]));
  warningsList.replaceChildren(...warnings.map((w) => {
    const text = `${w.severity === "hard" ? "Bloquante" : "À vérifier"} — ${titles.get(w.hearing_id) ?? ""} : ${w.message}`;
    const select = el("button", { className: "button button--secondary", text: "Corriger", attributes: { type: "button", "aria-label": `Corriger : ${text}` } });
    // Brings the hearing into the "Placer" form (and its day into the grid) to fix it.
    select.addEventListener("click", () => {
      const hearing = draft?.hearings.find((h) => h.id === w.hearing_id);
      placeHearing.value = String(w.hearing_id);
      if (hearing?.starts_at) {
        gridDay.value = placeDay.value = parisDay(hearing.starts_at);
        placeTime.value = parisTime(hearing.starts_at);
      }
      redrawGrid();
      placeHearing.focus();
    });
    return el("li", {}, [el("span", { text: `${text} ` }), select]);
  }));
  announce(warningsStatus, warnings.length === 0 ? "Aucune alerte." : `${warnings.length} alerte(s).`);
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const FIT_TEXT: Record<Fit, string> = { yes: "disponible", maybe: "si besoin", no: "indisponible", unknown: "" };

/** A drop target for one room at one time of the shown day, shaded by the chosen hearing's fit. */
function dropCell(day: string, step: string, roomId: number, fit: Fit): HTMLTableCellElement {
  const cell = el("td", { className: `aud-cell aud-cell--${fit}`, attributes: { "data-room": String(roomId), "data-time": step } });
  if (FIT_TEXT[fit]) cell.append(el("span", { className: "sr-only", text: FIT_TEXT[fit] }));
  cell.addEventListener("dragover", (event) => { event.preventDefault(); cell.classList.add("aud-cell--over"); });
  cell.addEventListener("dragleave", () => cell.classList.remove("aud-cell--over"));
  cell.addEventListener("drop", (event) => {
    event.preventDefault();
    cell.classList.remove("aud-cell--over");
    const id = Number(event.dataTransfer?.getData("text/plain"));
    if (id) void place(id, day, step, roomId, null);
  });
  return cell;
}

/** The day's grid: a row per grid step, a column per room, each hearing spanning its rows. */
function renderGrid(data: Draft, hearings: readonly Hearing[]): void {
  const day = gridDay.value;
  const grid_ = data.event.grid_minutes;
  const flagged = new Set(data.warnings.filter((w) => w.kind !== "unscheduled").map((w) => w.hearing_id));
  const steps = timeSteps(data.event.day_start, data.event.day_end, grid_);
  const first = minutesOf(data.event.day_start);
  unplaced.replaceChildren(...hearings.filter((h) => h.starts_at === null).map((h) => el("li", {}, [chip(h, flagged)])));
  // Hearings of the day by room and by the index of their starting row.
  const starting = new Map<string, Hearing[]>();
  for (const h of hearings) {
    if (h.room_id === null || !h.starts_at || parisDay(h.starts_at) !== day) continue;
    const index = Math.floor((minutesOf(parisTime(h.starts_at)) - first) / grid_);
    const key = `${h.room_id}:${Math.max(0, Math.min(index, steps.length - 1))}`;
    starting.set(key, [...(starting.get(key) ?? []), h]);
  }
  const chosen = hearings.find((h) => String(h.id) === placeHearing.value);
  const fit = chosen ? fitFor(chosen, data.actors) : () => "unknown" as Fit;
  // Per room, the cell still spanning the current row: its first row and the row after it.
  const cover = new Map<number, { cell: HTMLTableCellElement; start: number; until: number }>();
  const rows = steps.map((step, index) => el("tr", {}, [
    el("th", { text: step, attributes: { scope: "row" } }),
    ...data.event.rooms.flatMap((room) => {
      const open = cover.get(room.id);
      const span = open !== undefined && index < open.until ? open : { cell: dropCell(day, step, room.id, fit(parisInstant(day, step))), start: index, until: index + 1 };
      for (const h of starting.get(`${room.id}:${index}`) ?? []) {
        span.cell.append(chip(h, flagged));
        // Overlapping hearings (a warning) stretch the same cell: later rows are not built yet.
        span.until = Math.max(span.until, Math.min(steps.length, index + Math.ceil(h.duration_minutes / grid_)));
      }
      span.cell.rowSpan = span.until - span.start;
      cover.set(room.id, span);
      return span.start === index ? [span.cell] : [];
    }),
  ]));
  grid.replaceChildren(el("table", { className: "aud-table aud-grid" }, [
    el("caption", { text: `Grille du ${day ? longDay(day) : ""} (salles × heures de Paris)` }),
    el("thead", {}, [el("tr", {}, [el("th", { text: "Heure", attributes: { scope: "col" } }), ...data.event.rooms.map((r) => el("th", { text: r.name, attributes: { scope: "col" } }))])]),
    el("tbody", {}, rows),
  ]));
}

function chip(hearing: Hearing, flagged: Set<number>): HTMLElement {
  const when = hearing.starts_at ? ` ${parisTime(hearing.starts_at)}–${parisTime(hearing.ends_at ?? hearing.starts_at)}` : "";
  const button = el("button", {
    className: flagged.has(hearing.id) ? "aud-chip aud-chip--warning" : "aud-chip",
    text: `${hearing.title}${when} (${MODES[hearing.mode] ?? hearing.mode})${flagged.has(hearing.id) ? " ⚠" : ""}`,
    attributes: { type: "button", draggable: "true", "data-hearing": String(hearing.id) },
  });
  button.addEventListener("dragstart", (event) => event.dataTransfer?.setData("text/plain", String(hearing.id)));
  // Keyboard alternative: choosing a hearing fills the "Placer" form.
  button.addEventListener("click", () => {
    placeHearing.value = String(hearing.id);
    redrawGrid();
    placeHearing.focus();
  });
  return button;
}

async function place(hearingId: number, day: string, time: string, roomId: number, memberId: number | null): Promise<void> {
  const hearing = draft?.hearings.find((h) => h.id === hearingId);
  if (!hearing) return;
  const body: Record<string, unknown> = { room_id: roomId, starts_at: parisInstant(day, time) };
  if (memberId !== null) body["member_ids"] = [memberId];
  await run(async () => {
    await call(`/events/${eventId}/hearings/${hearingId}/placement`, { method: "PUT", token, body, version: hearing.version });
    await refresh();
  }, `« ${hearing.title} » placée le ${longDay(day)} à ${time}.`);
}

byId("retirer", HTMLButtonElement).addEventListener("click", () => {
  const hearing = draft?.hearings.find((h) => String(h.id) === placeHearing.value);
  if (!hearing) return;
  void run(async () => {
    await call(`/events/${eventId}/hearings/${hearing.id}/placement`, { method: "PUT", token, body: {}, version: hearing.version });
    await refresh();
  }, `« ${hearing.title} » retirée de la grille.`);
});

byId("placement-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const member = placeMember.value === "" ? null : Number(placeMember.value);
  gridDay.value = placeDay.value;
  void place(Number(placeHearing.value), placeDay.value, placeTime.value, Number(placeRoom.value), member);
});

function redrawGrid(): void {
  if (draft) renderGrid(draft, draft.hearings.filter((h) => !h.cancelled));
}

gridDay.addEventListener("change", redrawGrid);
// The grid shows where the hearing chosen for placing fits its organisation's answers.
placeHearing.addEventListener("change", redrawGrid);

byId("organisation-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const value = (id: string): string => byId(id, HTMLInputElement).value.trim();
  void run(async () => {
    await call(`/events/${eventId}/actors`, { method: "POST", token, body: {
      name: value("org-nom"), kind: byId("org-type", HTMLSelectElement).value,
      contacts: [{ name: value("org-contact"), email: value("org-courriel") }],
    } });
    await refresh();
  }, "Organisation ajoutée.");
});

/** The single required member, and "at least k of" the ticked members. */
function requirements(member: string): { member_ids: number[]; min_count: number }[] {
  const rules = member ? [{ member_ids: [Number(member)], min_count: 1 }] : [];
  const ticked = [...byId("aud-candidats", HTMLElement).querySelectorAll<HTMLInputElement>("input:checked")].map((box) => Number(box.value));
  if (ticked.length > 0) {
    rules.push({ member_ids: ticked, min_count: Math.min(Number(byId("aud-k", HTMLInputElement).value) || 1, ticked.length) });
  }
  return rules;
}

byId("audition-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const member = byId("aud-membre", HTMLSelectElement).value;
  const actor = byId("aud-organisation", HTMLSelectElement).value;
  const theme = byId("aud-theme", HTMLSelectElement).value;
  void run(async () => {
    await call(`/events/${eventId}/hearings`, { method: "POST", token, body: {
      title: byId("aud-titre", HTMLInputElement).value.trim(),
      actor_ids: actor ? [Number(actor)] : [],
      duration_minutes: Number(byId("aud-duree", HTMLInputElement).value),
      mode: byId("aud-mode", HTMLSelectElement).value,
      requirements: requirements(member),
      theme_id: theme ? Number(theme) : null,
      president_required: byId("aud-presidence", HTMLInputElement).checked,
      earliest_on: byId("aud-au-plus-tot", HTMLInputElement).value || null,
      latest_on: byId("aud-au-plus-tard", HTMLInputElement).value || null,
    } });
    await refresh();
  }, "Audition créée.");
});

byId("publication-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  void run(async () => {
    await call(`/events/${eventId}/releases`, { method: "POST", token, body: {
      name: byId("pub-nom", HTMLInputElement).value.trim(),
      changelog: byId("pub-journal", HTMLTextAreaElement).value.trim(),
      override_hard_warnings: byId("pub-forcer", HTMLInputElement).checked,
    } });
    await refresh();
  }, "Version publiée. Relisez les messages de la boîte d'envoi.");
});

const attachmentList = byId("pj-liste", HTMLElement);
const minutesHearing = byId("cr-audition", HTMLSelectElement);
minutesHearing.addEventListener("change", () => void run(() => showAttachments(eventId, minutesHearing.value, token, attachmentList)));

byId("pj-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const file = byId("pj-fichier", HTMLInputElement).files?.[0];
  if (!file) return;
  void run(async () => {
    await uploadAttachment(eventId, minutesHearing.value, token, file, byId("pj-visibilite", HTMLSelectElement).value);
    await showAttachments(eventId, minutesHearing.value, token, attachmentList);
  }, "Pièce jointe ajoutée.");
});

const memberSelect = byId("indispo-membre", HTMLSelectElement);
memberSelect.addEventListener("change", () => showUnavailability());

function showUnavailability(): void {
  const member = draft?.members.find((m) => String(m.id) === memberSelect.value);
  byId("indispo-liste", HTMLElement).replaceChildren(
    ...(member?.unavailability ?? []).map(([start, end]) =>
      el("li", { text: `${member?.name ?? ""} indisponible le ${longDay(parisDay(start))} de ${parisTime(start)} à ${parisTime(end)}` })),
  );
}

byId("indispo-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const member = draft?.members.find((m) => String(m.id) === memberSelect.value);
  if (!member) return;
  const day = byId("indispo-jour", HTMLSelectElement).value;
  const added = { start: parisInstant(day, byId("indispo-debut", HTMLInputElement).value), end: parisInstant(day, byId("indispo-fin", HTMLInputElement).value) };
  const unavailability = [...member.unavailability.map(([start, end]) => ({ start, end })), added];
  void run(async () => {
    await call(`/events/${eventId}/members/${member.id}`, { method: "PUT", token, body: {
      name: member.name, email: member.email, role: member.role, theme_id: member.theme_id, unavailability,
    }, version: member.version });
    await refresh();
  }, `Indisponibilité de ${member.name} ajoutée ; les alertes sont à jour.`);
});

byId("salle-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const capacity = byId("salle-capacite", HTMLInputElement).value;
  const link = byId("salle-lien", HTMLInputElement).value.trim();
  void run(async () => {
    await call(`/events/${eventId}/rooms`, { method: "POST", token, body: {
      name: byId("salle-nom", HTMLInputElement).value.trim(),
      kind: byId("salle-type", HTMLSelectElement).value,
      capacity: capacity ? Number(capacity) : null,
      video_url: link || null,
    } });
    await refresh();
  }, "Salle ajoutée.");
});

byId("cr-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  void run(() => minutes.save(), "Compte rendu enregistré.");
});

function renderOutbox(items: readonly OutboxItem[]): void {
  const labels: Record<string, string> = { held: "En attente de relecture", pending: "Envoi en cours", sent: "Envoyé", failed: "Échec" };
  outboxBody.replaceChildren(...items.slice(0, 50).map((item) => el("tr", {}, [
    el("td", {}, [
      item.preview
        ? el("details", {}, [el("summary", { text: item.subject }), el("pre", { className: "aud-preview", text: item.preview })])
        : item.subject,
    ]),
    el("td", { text: item.recipients }), el("td", { text: labels[item.status] ?? item.status }),
  ])));
}

byId("relancer-tout", HTMLButtonElement).addEventListener("click", () => void run(async () => {
  const reminded = await call<unknown[]>(`/events/${eventId}/invitations/reminders`, { method: "POST", token });
  await refresh();
  announce(status, `${reminded.length} relance(s) envoyée(s).`);
}));

byId("envoyer-tout", HTMLButtonElement).addEventListener("click", () => void run(async () => {
  const held = (await call<OutboxItem[]>(`/events/${eventId}/outbox`, { token })).filter((m) => m.status === "held");
  if (held.length > 0) {
    await call(`/events/${eventId}/outbox/release`, { method: "POST", token, body: { ids: held.map((m) => m.id) } });
  }
  await refresh();
}, "Messages envoyés."));

byId("organisateur-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  if (!draft) return;
  const { version } = draft.event;
  void run(async () => {
    await saveOrganizer(eventId, token, organizerInput.value.trim(), version);
    await refresh();
  }, "Adresse de l'organisateur enregistrée : les prochaines invitations la portent.");
});

byId("reponse-formulaire", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const input = byId("reponse-fichier", HTMLInputElement);
  const file = input.files?.[0];
  if (!file) return;
  void run(async () => {
    const imported = await importReply(eventId, token, file);
    input.value = "";
    await refresh();
    announce(status, `Réponse importée : ${imported}.`);
  });
});

// Automatic scheduling, just above the draft grid it proposes to change.
const solver = new SolverPanel(() => eventId, token, run, refresh);
solver.mount(byId("grille-titre", HTMLElement).closest("section") ?? consoleBox);

const eventSelect = byId("evenement", HTMLSelectElement);
eventSelect.addEventListener("change", () => {
  eventId = Number(eventSelect.value);
  void run(async () => {
    await refresh();
    await solver.load();
  });
});

async function start(): Promise<void> {
  if (!token) {
    announce(status, "");
    showError(error, "Connectez-vous (page Connexion) avec un compte organisateur pour utiliser la console.");
    return;
  }
  await run(async () => {
    const events = await call<{ id: number; title: string }[]>("/manage/events", { token });
    const first = events[0];
    if (!first) throw new Error("Aucun événement.");
    options(eventSelect, events.map((e) => ({ value: String(e.id), label: e.title })));
    eventId = first.id;
    await refresh();
    await solver.load();
    consoleBox.hidden = false;
    announce(status, "");
  });
}

void start();
