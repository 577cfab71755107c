import "../auditions/auditions.css";
import { baseUrl, errorMessage } from "../api";
import { renderAgenda } from "../auditions/agenda";
import { call, type Agenda } from "../auditions/api";
import { loadConfig } from "../config";
import { announce, byId, el, showError } from "../dom";
import { count } from "../format";
import { startListPage } from "../list-page";
import { eventCard } from "../render";
import { listEvents } from "../resources";

startListPage({
  pageSize: 20,
  load: ({ limit, offset }) => listEvents({ limit, offset }),
  renderItem: (event) => eventCard(event),
  describe: (total) => `${count(total, "session d'auditions", "sessions d'auditions")}.`,
  empty: () => "Aucune session d'auditions n'est encore publiée.",
});

const agendaStatus = byId("agenda-etat", HTMLElement);
const agendaError = byId("agenda-erreur", HTMLElement);
const agendaBox = byId("agenda", HTMLElement);
const version = byId("agenda-version", HTMLElement);
const subscribe = byId("agenda-abonnement", HTMLAnchorElement);
const view = byId("agenda-vue", HTMLSelectElement);
const contributions = byId("contributions", HTMLElement);
let agenda: Agenda | null = null;

function show(): void {
  if (agenda) agendaBox.replaceChildren(...renderAgenda(agenda, view.value === "liste" ? "liste" : "jour"));
}

view.addEventListener("change", show);

async function loadAgenda(): Promise<void> {
  let eventId: number;
  try {
    const events = await call<{ items: { id: number }[] }>("/events?limit=1");
    const first = events.items[0];
    if (!first) {
      announce(agendaStatus, "Aucun programme publié.");
      return;
    }
    eventId = first.id;
  } catch {
    // The list of sessions above already shows why the service cannot be reached.
    announce(agendaStatus, "");
    return;
  }
  try {
    agenda = await call<Agenda>(`/events/${eventId}/agenda`);
    subscribe.href = `${baseUrl(await loadConfig(), "auditions")}/events/${eventId}/agenda.ics`;
    subscribe.hidden = false;
    version.textContent = agenda.release
      ? `${agenda.event.title} — ${agenda.release.name} : ${agenda.release.changelog}`
      : `${agenda.event.title} : programme pas encore publié.`;
    announce(agendaStatus, `${count(agenda.entries.length, "audition", "auditions")} au programme (heure de Paris).`);
    show();
    await showContributions(eventId, agenda);
  } catch (failure) {
    announce(agendaStatus, "");
    showError(agendaError, errorMessage(failure));
  }
}

/** Public attachments (written contributions), as download links named after their hearing. */
async function showContributions(eventId: number, shown: Agenda): Promise<void> {
  const items = await call<{ id: number; hearing_id: number; filename: string }[]>(`/events/${eventId}/attachments`);
  const titles = new Map(shown.entries.map((e) => [e.hearing_id, e.title]));
  const base = baseUrl(await loadConfig(), "auditions");
  contributions.replaceChildren(
    ...(items.length === 0
      ? [el("li", { text: "Aucune contribution publiée pour l'instant." })]
      : items.map((item) =>
          el("li", {}, [
            el("a", { text: item.filename, attributes: { href: `${base}/events/${eventId}/attachments/${item.id}`, download: "" } }),
            el("span", { text: titles.has(item.hearing_id) ? ` — ${titles.get(item.hearing_id) ?? ""}` : "" }),
          ]),
        )),
  );
}

void loadAgenda();
