/** The analysts' console: campaigns, invitations, reminders, participation and exports. */

import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { formatDate } from "../format";
import { bearerHeaders } from "../headers";
import { loadToken } from "../session";
import { call, detailOf, download, upload } from "../survey/client";
import "../survey/survey.css";

const STATUS_LABELS: Record<string, string> = {
  pending: "En attente d'envoi",
  sent: "Invitation envoyée",
  opened: "Lien ouvert",
  started: "Réponse commencée",
  submitted: "Réponse envoyée",
  bounced: "Courriel rejeté",
};
const BANDS: [string, string][] = [
  ["0-499", "Moins de 500 habitants"],
  ["500-1999", "De 500 à 1 999 habitants"],
  ["2000-9999", "De 2 000 à 9 999 habitants"],
  ["10000-49999", "De 10 000 à 49 999 habitants"],
  ["50000-199999", "De 50 000 à 199 999 habitants"],
  ["200000+", "200 000 habitants et plus"],
];
const KINDS: [string, string][] = [["commune", "Communes"], ["epci", "EPCI"], ["departement", "Départements"], ["region", "Régions"]];

const status = byId("console-etat", HTMLElement);
const error = byId("console-erreur", HTMLElement);
const shell = byId("console", HTMLElement);
const createForm = byId("nouvelle-campagne", HTMLFormElement);
const createError = byId("nouvelle-erreur", HTMLElement);
const questionnaireSelect = byId("campagne-questionnaire", HTMLSelectElement);
const kindsBox = byId("campagne-types", HTMLElement);
const campaignSelect = byId("campagne-choisie", HTMLSelectElement);
const bandsBox = byId("campagne-tailles", HTMLElement);
const questionnairesBody = byId("questionnaires", HTMLElement);
const questionnairesError = byId("questionnaires-erreur", HTMLElement);
const questionnairesStatus = byId("questionnaires-etat", HTMLElement);
const xlsformFile = byId("xlsform-fichier", HTMLInputElement);
const history = byId("historique", HTMLElement);
const historyHeading = byId("historique-titre", HTMLElement);
const historyBody = byId("historique-lignes", HTMLElement);
const detail = byId("detail", HTMLElement);
const csvText = byId("invitations-csv", HTMLTextAreaElement);
const csvFile = byId("invitations-fichier", HTMLInputElement);
const invitationsError = byId("invitations-erreur", HTMLElement);
const invitationsStatus = byId("invitations-etat", HTMLElement);
const invitationsBody = byId("invitations", HTMLElement);
const participationTotal = byId("participation-total", HTMLElement);
const participationBox = byId("participation", HTMLElement);
const exportError = byId("export-erreur", HTMLElement);

const token = loadToken();

function campaignId(): string {
  return campaignSelect.value;
}

type Row = Record<string, unknown>;

function items(body: Row): Row[] {
  return Array.isArray(body["items"]) ? (body["items"] as Row[]) : [];
}

function button(text: string, run: () => Promise<void>, box: HTMLElement): HTMLButtonElement {
  const element = el("button", { className: "button button--secondary", text, attributes: { type: "button" } });
  element.addEventListener("click", () => void act(run, box));
  return element;
}

async function loadQuestionnaires(): Promise<void> {
  const reply = await call("/questionnaires?limit=100", bearerHeaders(token ?? ""));
  questionnairesBody.replaceChildren(
    ...items(reply.body).map((q) => {
      const id = String(q["id"]);
      const actions = el("td", {}, [
        button(`Télécharger en XLSForm (${String(q["version"])})`, () => download(`/questionnaires/${id}/xlsform`, token ?? "", "questionnaire.xlsx"), questionnairesError),
        q["status"] === "draft"
          ? button(`Publier la version ${String(q["version"])}`, async () => {
              const published = await call(`/questionnaires/${id}/publish`, bearerHeaders(token ?? ""), { method: "POST" });
              announce(questionnairesStatus, published.status === 200 ? "Version publiée : elle ne changera plus." : detailOf(published, "La publication a échoué."));
              await loadQuestionnaires();
            }, questionnairesError)
          : null,
      ]);
      return el("tr", {}, [
        el("td", { text: String(q["title"]) }),
        el("td", { text: String(q["version"]) }),
        el("td", { text: q["status"] === "published" ? "Publiée" : "Brouillon" }),
        actions,
      ]);
    }),
  );
  questionnaireSelect.replaceChildren(
    ...items(reply.body)
      .filter((q) => q["status"] === "published")
      .map((q) => el("option", { text: `${String(q["title"])} (version ${String(q["version"])})`, attributes: { value: String(q["id"]) } })),
  );
}

async function loadCampaigns(select?: number): Promise<void> {
  const reply = await call("/campaigns?limit=100", bearerHeaders(token ?? ""));
  const campaigns = items(reply.body);
  campaignSelect.replaceChildren(
    el("option", { text: "— Choisir une campagne —", attributes: { value: "" } }),
    ...campaigns.map((c) => el("option", { text: `${String(c["title"])} (${formatDate(String(c["opens_on"]))} – ${formatDate(String(c["closes_on"]))})`, attributes: { value: String(c["id"]) } })),
  );
  if (select !== undefined) {
    campaignSelect.value = String(select);
    await showCampaign();
  }
}

async function createCampaign(): Promise<void> {
  showError(createError, "");
  if (!createForm.reportValidity()) return;
  const kinds = [...kindsBox.querySelectorAll<HTMLInputElement>("input:checked")].map((input) => input.value);
  const bands = [...bandsBox.querySelectorAll<HTMLInputElement>("input:checked")].map((input) => input.value);
  const regions = byId("campagne-regions", HTMLInputElement).value.split(/[\s,;]+/).filter((code) => code !== "");
  const reply = await call("/campaigns", bearerHeaders(token ?? ""), {
    method: "POST",
    body: {
      title: byId("campagne-titre", HTMLInputElement).value.trim(),
      description: byId("campagne-description", HTMLTextAreaElement).value.trim(),
      questionnaire_id: Number(questionnaireSelect.value),
      opens_on: byId("campagne-ouverture", HTMLInputElement).value,
      closes_on: byId("campagne-cloture", HTMLInputElement).value,
      target: { kinds, regions, population_bands: bands },
    },
  });
  if (reply.status !== 201) {
    showError(createError, detailOf(reply, "La campagne n'a pas pu être créée."));
    return;
  }
  announce(status, `Campagne « ${String(reply.body["title"])} » publiée.`);
  await loadCampaigns(Number(reply.body["id"]));
}

async function showCampaign(): Promise<void> {
  detail.hidden = campaignId() === "";
  if (detail.hidden) return;
  await Promise.all([loadInvitations(), loadParticipation()]);
}

async function loadInvitations(): Promise<void> {
  const reply = await call(`/campaigns/${campaignId()}/invitations?limit=100`, bearerHeaders(token ?? ""));
  invitationsBody.replaceChildren(
    ...items(reply.body).map((row) =>
      el("tr", {}, [
        el("td", { text: `${String(row["name"])} (${String(row["code"])})` }),
        el("td", { text: (row["emails"] as string[]).join(", ") }),
        el("td", { text: STATUS_LABELS[String(row["status"])] ?? String(row["status"]) }),
        el("td", { className: "number", text: String(row["reminders_sent"]) }),
        el("td", {}, [button(`Historique de ${String(row["name"])}`, () => showHistory(Number(row["id"]), String(row["name"])), invitationsError)]),
      ]),
    ),
  );
  const total = Number(reply.body["total"] ?? 0);
  if (total > 100) invitationsBody.append(el("tr", {}, [el("td", { text: `… et ${total - 100} autres invitations.`, attributes: { colspan: "4" } })]));
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function showHistory(id: number, name: string): Promise<void> {
  const reply = await call(`/invitations/${id}/history`, bearerHeaders(token ?? ""));
  // The history is a JSON list (the client types every body as an object).
  const body: unknown = reply.body;
  const events = Array.isArray(body) ? (body as Row[]) : [];
  historyHeading.textContent = `Historique des modifications : ${name}`;
  historyBody.replaceChildren(
    ...events.map((event) =>
      el("tr", {}, [
        el("td", { text: new Date(String(event["at"])).toLocaleString("fr-FR", { timeZone: "Europe/Paris" }) }),
        el("td", { text: String(event["key"]) }),
        el("td", { text: shown(event["value"]) }),
        el("td", { text: shown(event["previous"]) }),
        el("td", { text: String(event["author"]) }),
      ]),
    ),
  );
  if (events.length === 0) historyBody.append(el("tr", {}, [el("td", { text: "Aucune réponse saisie.", attributes: { colspan: "5" } })]));
  history.hidden = false;
  historyHeading.focus();
}

function table(caption: string, cells: Row[]): HTMLElement {
  return el("div", { className: "console-table-wrap", attributes: { tabindex: "0", role: "region", "aria-label": caption } }, [el("table", { className: "console-table" }, [
    el("caption", { text: caption }),
    el("thead", {}, [el("tr", {}, ["Groupe", "Invitées", "Commencées", "Envoyées", "Taux d'envoi"].map((text) => el("th", { text, attributes: { scope: "col" } })))]),
    el("tbody", {}, cells.map((cell) => {
      const invited = Number(cell["invited"]);
      const submitted = Number(cell["submitted"]);
      return el("tr", {}, [
        el("th", { text: String(cell["label"]), attributes: { scope: "row" } }),
        el("td", { className: "number", text: String(invited) }),
        el("td", { className: "number", text: String(cell["started"]) }),
        el("td", { className: "number", text: String(submitted) }),
        el("td", { className: "number", text: invited ? `${Math.round((100 * submitted) / invited)} %` : "—" }),
      ]);
    })),
  ])]);
}

async function loadParticipation(): Promise<void> {
  const reply = await call(`/campaigns/${campaignId()}/participation`, bearerHeaders(token ?? ""));
  if (reply.status !== 200) {
    showError(error, detailOf(reply, "La participation n'a pas pu être lue."));
    return;
  }
  const total = reply.body["total"] as Row;
  announce(participationTotal, `Participation : ${String(total["invited"])} invitées, ${String(total["started"])} commencées, ${String(total["submitted"])} envoyées.`);
  participationBox.replaceChildren(
    table("Par type de collectivité et taille", reply.body["by_kind_and_band"] as Row[]),
    table("Par région", reply.body["by_region"] as Row[]),
    table("Par département", reply.body["by_departement"] as Row[]),
  );
}

async function csvContent(): Promise<string> {
  const file = csvFile.files?.[0];
  return file ? await file.text() : csvText.value;
}

async function act(run: () => Promise<void>, box: HTMLElement): Promise<void> {
  showError(box, "");
  try {
    await run();
  } catch (failure) {
    showError(box, errorMessage(failure));
  }
}

function problemText(body: Row, fallback: string): string {
  const errors = Array.isArray(body["errors"]) ? (body["errors"] as Row[]).map((e) => String(e["msg"])) : [];
  const detail = typeof body["detail"] === "string" ? body["detail"] : fallback;
  return [detail, ...errors].join(" — ");
}

function bind(): void {
  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(createCampaign, createError);
  });
  campaignSelect.addEventListener("change", () => void act(showCampaign, error));
  byId("inviter", HTMLButtonElement).addEventListener("click", () =>
    void act(async () => {
      const reply = await call(`/campaigns/${campaignId()}/invitations`, bearerHeaders(token ?? ""), { method: "POST", body: { csv: await csvContent(), send: true } });
      if (reply.status !== 200) {
        showError(invitationsError, problemText(reply.body, "L'import a échoué."));
        return;
      }
      announce(invitationsStatus, `${String(reply.body["created"])} invitation(s) créée(s), ${String(reply.body["updated"])} mise(s) à jour, ${String(reply.body["sent"])} courriel(s) envoyé(s).`);
      csvText.value = "";
      await showCampaign();
    }, invitationsError),
  );
  byId("inviter-population", HTMLButtonElement).addEventListener("click", () =>
    void act(async () => {
      const reply = await call(`/campaigns/${campaignId()}/invitations/population`, bearerHeaders(token ?? ""), { method: "POST" });
      announce(invitationsStatus, reply.status === 200 ? `${String(reply.body["count"])} invitation(s) créée(s), en attente d'adresses.` : detailOf(reply, "Échec."));
      await showCampaign();
    }, invitationsError),
  );
  byId("relancer", HTMLButtonElement).addEventListener("click", () =>
    void act(async () => {
      const reply = await call(`/campaigns/${campaignId()}/reminders`, bearerHeaders(token ?? ""), { method: "POST" });
      announce(invitationsStatus, reply.status === 200 ? `${String(reply.body["count"])} relance(s) envoyée(s).` : detailOf(reply, "Échec."));
      await showCampaign();
    }, invitationsError),
  );
  byId("xlsform-importer", HTMLButtonElement).addEventListener("click", () =>
    void act(async () => {
      const file = xlsformFile.files?.[0];
      if (!file) {
        showError(questionnairesError, "Choisissez d'abord un fichier XLSForm (.xlsx).");
        return;
      }
      const reply = await upload("/questionnaires/xlsform", token ?? "", file);
      if (reply.status !== 201) {
        showError(questionnairesError, problemText(reply.body, "L'import a échoué."));
        return;
      }
      announce(questionnairesStatus, `« ${String(reply.body["title"])} » importé comme brouillon (version ${String(reply.body["version"])}).`);
      await loadQuestionnaires();
    }, questionnairesError),
  );
  byId("actualiser", HTMLButtonElement).addEventListener("click", () => void act(showCampaign, error));
  for (const [id, format, name] of [["export-xlsx", "xlsx", "reponses.xlsx"], ["export-csv", "csv", "reponses.csv"], ["export-codebook", "codebook", "codebook.csv"]] as const) {
    byId(id, HTMLButtonElement).addEventListener("click", () =>
      void act(() => download(`/campaigns/${campaignId()}/export?format=${format}`, token ?? "", name), exportError),
    );
  }
}

async function start(): Promise<void> {
  if (token === null) {
    announce(status, "");
    showError(error, "Connectez-vous avec un compte d'analyste pour utiliser la console.");
    error.append(el("p", {}, [el("a", { text: "Aller à la page de connexion", attributes: { href: "connexion.html" } })]));
    return;
  }
  kindsBox.replaceChildren(
    ...KINDS.map(([value, label]) => {
      const id = `type-${value}`;
      return el("div", { className: "survey-choice" }, [el("input", { attributes: { type: "checkbox", id, value, checked: "" } }), el("label", { text: label, attributes: { for: id } })]);
    }),
  );
  bandsBox.replaceChildren(
    ...BANDS.map(([value, label]) => {
      const id = `taille-${value.replace("+", "plus")}`;
      return el("div", { className: "survey-choice" }, [el("input", { attributes: { type: "checkbox", id, value } }), el("label", { text: label, attributes: { for: id } })]);
    }),
  );
  try {
    const me = await call("/auth/me", bearerHeaders(token));
    const roles = Array.isArray(me.body["roles"]) ? (me.body["roles"] as string[]) : [];
    if (me.status !== 200 || !(roles.includes("analyst") || roles.includes("admin"))) {
      announce(status, "");
      showError(error, me.status === 200 ? "Cette console demande le rôle « analyst »." : detailOf(me, "Votre session a expiré : reconnectez-vous."));
      return;
    }
    await Promise.all([loadQuestionnaires(), loadCampaigns()]);
    bind();
    // Live figures: refreshed while the page is in view.
    window.setInterval(() => {
      if (!detail.hidden && document.visibilityState === "visible") void act(loadParticipation, error);
    }, 15_000);
    shell.hidden = false;
    announce(status, "");
  } catch (failure) {
    announce(status, "");
    showError(error, errorMessage(failure), () => void start());
  }
}

void start();
