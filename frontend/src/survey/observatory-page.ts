/**
 * The observatory of one campaign (observatoire-campagne.html?campagne=ID): participation
 * (tables, and maps by département and région from participation-map.ts), a chart and a table
 * per question, breakdown selector, downloads (CSV, JSON), methodology.
 * Everything shown comes from the public, disclosure-controlled endpoints.
 */

import { namesNothing, positiveParameter, showWrongAddress, type WayBack } from "../address";
import { baseUrl, errorMessage, requestJson, withQuery } from "../api";
import { loadConfig } from "../config";
import { announce, byId, el, showError } from "../dom";
import { intervalChart, type Bar } from "./charts";
import "./observatory.css";
import type { DepartementRegion, MapFormat } from "./participation-map";

interface Answer { code: string; label: string }
interface Cell {
  domain: string;
  code: string | null;
  suppressed: boolean;
  n: number | null;
  population: number;
  count?: number;
  estimate?: number | null;
  ci_low?: number | null;
  ci_high?: number | null;
  mean?: number | null;
  mean_ci_low?: number | null;
  mean_ci_high?: number | null;
  median?: number | null;
  total_note?: string | null;
  total?: number | null;
  reliable?: boolean;
}
interface Question { key: string; label: string; shape: string; unit: string | null; answers: Answer[]; cells: Cell[] }
interface Domain { key: string; label: string; population: number; respondents: number }
interface Results {
  empty: boolean;
  message: string | null;
  breakdown: string;
  threshold: number;
  respondents: number;
  domains: Domain[];
  questions: Question[];
  not_published: { key: string; label: string; reason: string }[];
}
interface ParticipationCell { key: string; label: string; invited: number; started: number; submitted: number }
interface Participation {
  total: ParticipationCell;
  by_kind_and_band: ParticipationCell[];
  by_region: ParticipationCell[];
  by_departement: ParticipationCell[];
  population: number;
  respondents_rate: number | null;
  items: { key: string; label: string; rate: number | null }[];
  items_message: string | null;
}
interface Note { message: string | null; sections: { title: string; paragraphs: string[] }[]; strata: { label: string; population: number; respondents: number; response_rate: number | null }[] }

const status = byId("observatoire-etat", HTMLElement);
const errors = byId("observatoire-erreur", HTMLElement);
const titleNode = byId("observatoire-titre", HTMLElement);
const demoNotice = byId("observatoire-demo", HTMLElement);
const participationBox = byId("participation", HTMLElement);
const resultsBox = byId("resultats", HTMLElement);
const methodBox = byId("methodologie", HTMLElement);
const breakdownSelect = byId("ventilation", HTMLSelectElement);
const intervalSelect = byId("intervalle", HTMLSelectElement);
const csvLink = byId("telecharger-csv", HTMLAnchorElement);
const jsonLink = byId("telecharger-json", HTMLAnchorElement);

const campaignId = positiveParameter("campagne");
const CAMPAIGNS: WayBack = { href: "observatoire.html", text: "Choisir une campagne dans l'observatoire" };

/** "16,3" — the same rounding as the CSV download. */
function decimal(value: number, digits = 1): string {
  return value.toFixed(digits).replace(".", ",");
}
function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "" : `${decimal(100 * value)} %`;
}
function integer(value: number): string {
  return value.toLocaleString("fr-FR");
}

function table(caption: string, head: string[], rows: (string | HTMLElement)[][], numeric: Set<number>): HTMLElement {
  // Focusable, so that a table wider than a phone can be scrolled with the keyboard.
  return el("div", { className: "observatory-table-wrap", attributes: { tabindex: "0", role: "region", "aria-label": caption } }, [
    el("table", { className: "observatory-table" }, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, head.map((name) => el("th", { text: name, attributes: { scope: "col" } })))]),
      el("tbody", {}, rows.map((row) => el("tr", {}, row.map((value, index) =>
        index === 0
          ? el("th", { attributes: { scope: "row" } }, [value])
          : el("td", { className: numeric.has(index) ? "number" : "" }, [value]))))),
    ]),
  ]);
}

/** A <details> whose table is built when first opened: the page stays light with 40 questions. */
function lazyTable(build: () => HTMLElement): HTMLElement {
  const details = el("details", {}, [el("summary", { text: "Tableau des résultats" })]);
  details.addEventListener("toggle", () => {
    if (details.open && details.childElementCount === 1) details.append(build());
  });
  return details;
}

function rate(cell: ParticipationCell, population?: number): string {
  return population ? percent(cell.submitted / population) : "";
}

/** The participation tables' rows: counts and the response rate (envoyées / invitées). */
function participationRows(cells: readonly ParticipationCell[]): string[][] {
  return cells.map((cell) => [
    cell.label,
    integer(cell.invited),
    integer(cell.started),
    integer(cell.submitted),
    cell.invited > 0 ? percent(cell.submitted / cell.invited) : "",
  ]);
}

function participationTable(caption: string, first: string, cells: readonly ParticipationCell[]): HTMLElement {
  return table(caption, [first, "Invitées", "Commencées", "Envoyées", "Taux de réponse"], participationRows(cells), new Set([1, 2, 3, 4]));
}

/**
 * A map and, right under it, its table in a <details>. The map module (and the base map's
 * shapes) is loaded with import() once the figures are there: the rest of the page does not
 * wait for it, and a failure leaves the table.
 */
function mapBlock(id: string, heading: string, draw: (module: typeof import("./participation-map")) => HTMLElement | Promise<HTMLElement>, details: HTMLElement): HTMLElement {
  const slot = el("div", { className: "participation-map-slot" }, [el("p", { className: "hint", text: "Chargement de la carte…" })]);
  import("./participation-map")
    .then(async (module) => { slot.replaceChildren(await draw(module)); })
    .catch(() => { slot.replaceChildren(el("p", { className: "hint", text: "La carte n'a pas pu être chargée : les chiffres figurent dans le tableau ci-dessous." })); });
  return el("section", { className: "participation-maps__item", attributes: { "aria-labelledby": `${id}-titre` } }, [
    el("h3", { text: heading, attributes: { id: `${id}-titre` } }),
    slot,
    details,
  ]);
}

/**
 * The région map, from the API's table of each département's région (the page holds no such
 * table; asked for at once, beside the map module): if it cannot be had, or does not place
 * every drawn département, the map says so rather than draw wrong régions.
 */
async function drawRegionMap(module: typeof import("./participation-map"), cells: readonly ParticipationCell[], format: MapFormat, departements: Promise<DepartementRegion[] | null>): Promise<HTMLElement> {
  const rows = await departements;
  try {
    if (rows) return module.regionMap(cells, format, rows);
  } catch {
    // an incomplete table: said below, as a missing one
  }
  return el("p", {
    className: "hint",
    attributes: { id: "carte-regions-erreur" },
    text: "La carte par région n'a pas pu être dessinée : la table des départements et de leurs régions n'a pas pu être chargée, ou est incomplète. Les chiffres figurent dans le tableau ci-dessous.",
  });
}

function renderParticipation(figures: Participation): void {
  const format = { percent, integer };
  const departementRegions = requestJson("survey", "/territories/departements").then((rows) => rows as DepartementRegion[], () => null);
  // "Non renseigné" (no département, e.g. the régions' own invitations) after the départements.
  const departements = [...figures.by_departement.filter((cell) => cell.key !== ""), ...figures.by_departement.filter((cell) => cell.key === "")];
  participationBox.replaceChildren(
    el("p", {
      attributes: { id: "participation-total" },
      text: `${integer(figures.total.submitted)} réponses envoyées sur ${integer(figures.population)} collectivités visées (taux de réponse ${rate(figures.total, figures.population)}), ${integer(figures.total.started)} commencées.`,
    }),
    participationTable("Participation par type et taille", "Collectivités", figures.by_kind_and_band),
    el("p", { className: "hint", text: "Taux de réponse des tableaux et des cartes : réponses envoyées rapportées aux collectivités invitées." }),
    el("div", { className: "participation-maps" }, [
      mapBlock("carte-departements", "Taux de réponse par département", (module) => module.departementMap(figures.by_departement, format),
        el("details", {}, [
          el("summary", { text: "Participation par département" }),
          participationTable("Participation par département", "Département", departements),
        ])),
      mapBlock("carte-regions", "Taux de réponse par région", (module) => drawRegionMap(module, figures.by_region, format, departementRegions),
        el("details", {}, [
          el("summary", { text: "Participation par région" }),
          participationTable("Participation par région", "Région", figures.by_region),
        ])),
    ]),
    el("details", {}, [
      el("summary", { text: "Taux de réponse de chaque question" }),
      ...(figures.items_message === null ? [] : [el("p", { text: figures.items_message })]),
      ...(figures.items.length === 0 ? [] : [table(
        "Taux de réponse par question, parmi les répondants à qui elle était posée",
        ["Question", "Taux"],
        figures.items.map((item) => [item.label, item.rate === null ? "secret statistique" : percent(item.rate)]),
        new Set([1]),
      )]),
    ]),
  );
}

function domainLabels(results: Results): Map<string, string> {
  return new Map(results.domains.map((domain) => [domain.key, domain.label]));
}

function codedQuestion(question: Question, results: Results, chosen: string): Element[] {
  const labels = domainLabels(results);
  const answerLabel = new Map(question.answers.map((answer) => [answer.code, answer.label]));
  const national = results.breakdown === "national";
  const cells = question.cells.filter((cell) => national || cell.code === chosen);
  const bars: Bar[] = cells.map((cell) => ({
    label: national ? answerLabel.get(cell.code ?? "") ?? "" : labels.get(cell.domain) ?? cell.domain,
    estimate: cell.suppressed ? null : 100 * (cell.estimate ?? 0),
    low: cell.suppressed ? null : 100 * (cell.ci_low ?? 0),
    high: cell.suppressed ? null : 100 * (cell.ci_high ?? 0),
    caption: cell.suppressed ? "secret statistique" : `${percent(cell.estimate)} (n = ${integer(cell.n ?? 0)})`,
  }));
  const rows = (): (string | HTMLElement)[][] => question.cells.map((cell) => [
    labels.get(cell.domain) ?? cell.domain,
    answerLabel.get(cell.code ?? "") ?? "",
    cell.suppressed ? el("span", { className: "observatory-secret", text: "secret statistique" }) : percent(cell.estimate),
    cell.suppressed ? "" : `${percent(cell.ci_low)} – ${percent(cell.ci_high)}`,
    cell.n === null ? `moins de ${results.threshold}` : integer(cell.n),
    cell.suppressed ? "" : integer(cell.count ?? 0),
    integer(cell.population),
    cell.suppressed ? "" : cell.reliable ? "fiable" : "fragile",
  ]);
  const title = national ? question.label : `${question.label} — ${answerLabel.get(chosen) ?? ""}`;
  return [
    intervalChart(bars, { max: 100, unit: "% (estimation pondérée et intervalle de confiance à 95 %)", title }),
    lazyTable(() => table(`Résultats : ${question.label}`, ["Domaine", "Réponse", "Estimation", "IC à 95 %", "Répondants (n)", "Ayant donné la réponse", "Population (N)", "Fiabilité"], rows(), new Set([2, 4, 5, 6]))),
  ];
}

function numericQuestion(question: Question, results: Results): Element[] {
  const labels = domainLabels(results);
  const shown = question.cells.filter((cell) => !cell.suppressed);
  const max = Math.max(1, ...shown.map((cell) => cell.mean_ci_high ?? 0)) * 1.05;
  const bars: Bar[] = question.cells.map((cell) => ({
    label: labels.get(cell.domain) ?? cell.domain,
    estimate: cell.suppressed ? null : cell.mean ?? null,
    low: cell.suppressed ? null : Math.max(0, cell.mean_ci_low ?? 0),
    high: cell.suppressed ? null : cell.mean_ci_high ?? null,
    caption: cell.suppressed ? "secret statistique" : `moyenne ${decimal(cell.mean ?? 0)} (n = ${integer(cell.n ?? 0)})`,
  }));
  const rows = (): (string | HTMLElement)[][] => question.cells.map((cell) => [
    labels.get(cell.domain) ?? cell.domain,
    cell.suppressed ? el("span", { className: "observatory-secret", text: "secret statistique" }) : decimal(cell.mean ?? 0),
    cell.suppressed ? "" : `${decimal(cell.mean_ci_low ?? 0)} – ${decimal(cell.mean_ci_high ?? 0)}`,
    // A median few respondents share, or a total that cannot be estimated, is not published.
    cell.suppressed ? "" : cell.median == null ? "non publiée" : decimal(cell.median),
    cell.suppressed ? "" : cell.total == null ? (cell.total_note ?? "non publié") : decimal(cell.total, 0),
    cell.n === null ? `moins de ${results.threshold}` : integer(cell.n),
    integer(cell.population),
  ]);
  return [
    intervalChart(bars, { max, unit: `moyenne${question.unit ? ` (${question.unit})` : ""} et intervalle de confiance à 95 %`, title: question.label }),
    lazyTable(() => table(`Résultats : ${question.label}`, ["Domaine", "Moyenne", "IC à 95 %", "Médiane", "Total estimé", "Répondants (n)", "Population (N)"], rows(), new Set([1, 3, 4, 5, 6]))),
  ];
}

function questionCard(question: Question, results: Results): HTMLElement {
  const card = el("section", { className: "observatory-question", attributes: { "aria-labelledby": `q-${question.key}` } }, [
    el("h3", { text: question.label, attributes: { id: `q-${question.key}` } }),
  ]);
  const body = el("div");
  if (question.shape === "numeric") {
    body.append(...numericQuestion(question, results));
    card.append(body);
    return card;
  }
  const first = question.answers[0]?.code ?? "";
  if (results.breakdown !== "national" && question.answers.length > 1) {
    const id = `reponse-${question.key.replace("/", "-")}`;
    const select = el("select", { attributes: { id } }, question.answers.map((answer) => el("option", { text: answer.label, attributes: { value: answer.code } })));
    select.addEventListener("change", () => body.replaceChildren(...codedQuestion(question, results, select.value)));
    card.append(el("div", { className: "field" }, [el("label", { text: "Réponse représentée", attributes: { for: id } }), select]));
  }
  body.append(...codedQuestion(question, results, first));
  card.append(body);
  return card;
}

function renderResults(results: Results): void {
  if (results.empty) {
    resultsBox.replaceChildren(el("p", { text: results.message ?? "Aucun résultat." }));
    return;
  }
  resultsBox.replaceChildren(
    el("p", { text: `${integer(results.respondents)} répondants. Secret statistique : aucune cellule publiée sous ${results.threshold} répondants.` }),
    ...results.questions.map((question) => questionCard(question, results)),
    el("p", { className: "hint", text: `Non publiées : ${results.not_published.map((item) => item.label).join(" ; ")}.` }),
  );
}

function renderNote(note: Note): void {
  methodBox.replaceChildren(
    ...(note.message === null ? [] : [el("p", { text: note.message })]),
    ...note.sections.flatMap((section) => [el("h3", { text: section.title }), ...section.paragraphs.map((text) => el("p", { text }))]),
    table("Strates de pondération", ["Strate", "Population (N)", "Répondants (n)", "Taux de réponse"],
      note.strata.map((stratum) => [stratum.label, integer(stratum.population), integer(stratum.respondents), percent(stratum.response_rate)]), new Set([1, 2, 3])),
  );
}

async function showResults(id: number): Promise<void> {
  const breakdown = breakdownSelect.value;
  const interval = intervalSelect.value;
  const path = `/campaigns/${String(id)}/results`;
  const base = baseUrl(await loadConfig(), "survey");
  csvLink.href = base + withQuery(path, { breakdown, interval, format: "csv" });
  jsonLink.href = base + withQuery(path, { breakdown, interval });
  announce(status, "Chargement des résultats…");
  const results = (await requestJson("survey", withQuery(path, { breakdown, interval }))) as Results;
  renderResults(results);
  const shown = [breakdownSelect, intervalSelect].map((select) => select.selectedOptions[0]?.text ?? "");
  announce(status, `Résultats affichés : ${shown.join(", intervalle ")}.`);
}

async function start(id: number): Promise<void> {
  const campaign = (await requestJson("survey", `/campaigns/${String(id)}`)) as { title: string; is_demo?: boolean };
  titleNode.textContent = campaign.title;
  demoNotice.hidden = campaign.is_demo !== true;
  document.title = `${campaign.title} — Observatoire des usages`;
  const [figures, note] = await Promise.all([
    requestJson("survey", `/campaigns/${String(id)}/participation`),
    requestJson("survey", `/campaigns/${String(id)}/methodology`),
  ]);
  renderParticipation(figures as Participation);
  renderNote(note as Note);
  await showResults(id);
}

function run(id: number): void {
  start(id).catch((error: unknown) => {
    announce(status, "");
    if (namesNothing(error)) showWrongAddress("Campagne introuvable", errorMessage(error), CAMPAIGNS);
    else showError(errors, errorMessage(error), () => { showError(errors, ""); run(id); });
  });
}

if (campaignId === null) {
  showWrongAddress("Adresse incomplète", "Cette adresse n'indique pas de campagne : elle se termine par « ?campagne= » suivi du numéro de la campagne.", CAMPAIGNS);
} else {
  const id = campaignId;
  for (const select of [breakdownSelect, intervalSelect]) {
    select.addEventListener("change", () => {
      showResults(id).catch((error: unknown) => { showError(errors, errorMessage(error)); });
    });
  }
  run(id);
}
