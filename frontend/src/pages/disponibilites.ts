/**
 * The invited organisation's page: availability by half-day (yes / if need be / no) or by
 * precise windows, delegation, mode and written contribution. The personal token is read
 * from the address fragment (never sent to a server log) and travels in the header
 * `Authorization: PrivateLink <token>`.
 */

import "../auditions/auditions.css";
import { fragmentToken, namesNothing, showWrongAddress, type WayBack } from "../address";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import {
  call,
  longDay,
  parisDay,
  parisInstant,
  parisTime,
  workingDays,
  type EventDetail,
  type InvitationForm,
} from "../auditions/api";
import { PreciseWindows, type PreciseWindow } from "../auditions/precise-windows";

interface HalfDay {
  readonly key: string;
  readonly label: string;
  readonly start: string;
  readonly end: string;
}

const status = byId("dispo-etat", HTMLElement);
const error = byId("dispo-erreur", HTMLElement);
const form = byId("dispo-formulaire", HTMLFormElement);
const title = byId("dispo-titre", HTMLElement);
const grid = byId("dispo-grille", HTMLElement);
const delegation = byId("dispo-delegation", HTMLInputElement);
const mode = byId("dispo-mode", HTMLSelectElement);
const contribution = byId("dispo-contribution", HTMLTextAreaElement);
const submit = byId("dispo-envoyer", HTMLButtonElement);
const decline = byId("dispo-decline", HTMLInputElement);
const preciseDay = byId("precis-jour", HTMLSelectElement);
const preciseStart = byId("precis-debut", HTMLInputElement);
const preciseEnd = byId("precis-fin", HTMLInputElement);
const preciseAnswer = byId("precis-reponse", HTMLSelectElement);

const token = fragmentToken();
const CONTACT: WayBack = { href: "contact.html", text: "Écrire aux organisateurs des auditions (page Contact)" };
let current: InvitationForm | null = null;
let halfDays: HalfDay[] = [];
const precise = new PreciseWindows(byId("precis-liste", HTMLElement), () => lockPreciseDays());

/** Morning and afternoon from the event's hours, split at its lunch break (or at noon). */
function halvesOf(event: EventDetail): HalfDay[] {
  const noonStart = event.lunch_start ?? "12:00";
  const noonEnd = event.lunch_end ?? "12:00";
  return [
    { key: "matin", label: "Matin", start: event.day_start, end: noonStart },
    { key: "apres-midi", label: "Après-midi", start: noonEnd, end: event.day_end },
  ];
}

function answerOf(data: InvitationForm, day: string, half: HalfDay): string {
  const found = data.availability.find(
    (w) => parisDay(w.start) === day && parisTime(w.start) === half.start && parisTime(w.end) === half.end,
  );
  return found ? found.answer : data.status === "sent" ? "yes" : "no";
}

/** Saved windows that are not exactly a half-day are precise windows. */
function preciseOf(data: InvitationForm): PreciseWindow[] {
  return data.availability
    .filter((w) => !halfDays.some((h) => parisTime(w.start) === h.start && parisTime(w.end) === h.end))
    .map((w) => ({ day: parisDay(w.start), start: parisTime(w.start), end: parisTime(w.end), answer: w.answer }));
}

function lockPreciseDays(): void {
  const days = precise.days;
  for (const select of grid.querySelectorAll("select")) {
    select.disabled = days.has(select.dataset["day"] ?? "");
  }
}

function render(data: InvitationForm): void {
  current = data;
  halfDays = halvesOf(data.event);
  title.textContent = `${data.event.title} — ${data.actor_name}`;
  const days = workingDays(data.event);
  const rows = days.map((day) =>
    el("tr", {}, [
      el("th", { text: longDay(day), attributes: { scope: "row" } }),
      ...halfDays.map((half) => {
        const id = `dispo-${day}-${half.key}`;
        const select = el("select", { attributes: { id, "data-day": day, "data-start": half.start, "data-end": half.end } }, [
          el("option", { text: "Oui", attributes: { value: "yes" } }),
          el("option", { text: "Si besoin", attributes: { value: "maybe" } }),
          el("option", { text: "Non", attributes: { value: "no" } }),
        ]);
        select.value = answerOf(data, day, half);
        const label = el("label", { className: "sr-only", text: `${longDay(day)}, ${half.label.toLowerCase()} (${half.start}–${half.end})`, attributes: { for: id } });
        return el("td", {}, [label, select]);
      }),
    ]),
  );
  grid.replaceChildren(
    el("table", { className: "aud-table" }, [
      el("caption", { text: "Disponibilités par demi-journée (heure de Paris)" }),
      el("thead", {}, [el("tr", {}, [el("th", { text: "Jour", attributes: { scope: "col" } }), ...halfDays.map((h) => el("th", { text: `${h.label} (${h.start}–${h.end})`, attributes: { scope: "col" } }))])]),
      el("tbody", {}, rows),
    ]),
  );
  preciseDay.replaceChildren(...days.map((day) => el("option", { text: longDay(day), attributes: { value: day } })));
  preciseStart.min = preciseEnd.min = data.event.day_start;
  preciseStart.max = preciseEnd.max = data.event.day_end;
  precise.set(preciseOf(data));
  delegation.value = String(data.delegation_size ?? 1);
  mode.value = data.mode ?? "in_person";
  contribution.value = data.contribution ?? "";
  decline.checked = data.status === "declined";
  form.hidden = false;
}

byId("precis-ajouter", HTMLButtonElement).addEventListener("click", () => {
  const problem = precise.add({ day: preciseDay.value, start: preciseStart.value, end: preciseEnd.value, answer: preciseAnswer.value });
  showError(error, problem ?? "");
  if (problem) preciseStart.focus();
});

async function load(): Promise<void> {
  if (token === "") {
    showWrongAddress("Lien incomplet", "Ce lien est incomplet : ouvrez en entier l'adresse reçue par courriel, qui se termine par « # » suivi d'une longue suite de caractères.", CONTACT);
    return;
  }
  try {
    render(await call<InvitationForm>("/availability/open", { method: "POST", link: token }));
    announce(status, "");
  } catch (failure) {
    announce(status, "");
    if (namesNothing(failure)) showWrongAddress("Lien non valable", `${errorMessage(failure)} Ouvrez en entier l'adresse reçue par courriel ; si elle ne fonctionne pas, les organisateurs vous en enverront une autre.`, CONTACT);
    else showError(error, errorMessage(failure));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void save();
});

function windows(): { start: string; end: string; answer: string }[] {
  const halves = [...grid.querySelectorAll("select")]
    .filter((select) => !select.disabled && select.value !== "no")
    .map((select) => ({
      start: parisInstant(select.dataset["day"] ?? "", select.dataset["start"] ?? ""),
      end: parisInstant(select.dataset["day"] ?? "", select.dataset["end"] ?? ""),
      answer: select.value,
    }));
  const exact = precise.windows.map((w) => ({ start: parisInstant(w.day, w.start), end: parisInstant(w.day, w.end), answer: w.answer }));
  return [...halves, ...exact];
}

async function save(): Promise<void> {
  showError(error, "");
  if (!form.reportValidity() || current === null) return;
  submit.disabled = true;
  try {
    const saved = await call<InvitationForm>("/availability/answer", {
      method: "POST",
      link: token,
      body: {
        availability: decline.checked ? [] : windows(),
        declined: decline.checked,
        delegation_size: Number(delegation.value),
        mode: mode.value,
        contribution: contribution.value,
        version: current.version,
      },
    });
    render(saved);
    announce(status, decline.checked ? "Votre réponse est enregistrée : vous ne serez pas auditionnés." : "Vos disponibilités sont enregistrées. Merci !");
  } catch (failure) {
    showError(error, errorMessage(failure));
  } finally {
    submit.disabled = false;
  }
}

void load();
