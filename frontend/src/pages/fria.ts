/**
 * The FRIA of a fiche (Art. 27 of the AI Act): the guided form, the DPIA screening and the EU
 * database registration pack, for the contributor (the private link's token in the address's
 * fragment, never sent to a server log) or a signed-in moderator; printable, and as JSON.
 */

import "../catalogue/catalogue.css";
import "../catalogue/fria.css";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { FieldErrors, send } from "../catalogue/api";
import { bearerHeaders, ifMatchHeaders, privateLinkHeaders } from "../headers";
import { loadToken } from "../session";

interface Labelled {
  readonly code: string;
  readonly label: string;
}
interface Element {
  readonly id: string;
  readonly point: string;
  readonly label: string;
  readonly help: string;
  readonly provision: string;
}
interface Right extends Labelled {
  readonly charter_article: string;
  readonly note?: string;
}
interface Criterion extends Labelled {
  readonly help: string;
  readonly source: string;
}
interface Source {
  readonly ref: string;
  readonly url?: string;
}
interface RightAnswer {
  code: string;
  at_stake: string;
  note: string | null;
}
interface Form {
  state: string;
  to_review: boolean;
  shared: boolean;
  elements: Record<string, string | null>;
  rights: RightAnswer[];
  summary: string | null;
  dpia: { criteria: string[] | null; cnil_types: string[] | null; url: string | null; summary: string | null };
  deployer: Record<string, string | null>;
}
interface Duty {
  readonly due: boolean;
  readonly reason: string;
  readonly provision: string;
  readonly applies_from: string | null;
}
interface FriaView {
  readonly use_case: { id: number; title: string; local_authority_name: string | null };
  readonly due: Duty;
  readonly version: number;
  readonly updated_at: string | null;
  readonly origin: { use_case_id: number; title: string; local_authority_name: string | null; copied_at: string } | null;
  readonly form: Form;
  readonly missing: readonly { field: string; label: string; blocking: boolean }[];
  readonly dpia_screening: { result: string; text: string; criteria: readonly Criterion[]; cnil_types: readonly Labelled[]; suggested: readonly (Labelled & { why: string })[] };
  readonly reference: {
    fria: { elements: readonly Element[]; rights: readonly Right[]; at_stake: readonly Labelled[]; sources: readonly Source[] };
    dpia: { criteria: readonly Criterion[]; cnil_list: readonly Labelled[] };
  };
}
interface Pack {
  readonly due: Duty;
  readonly non_public_note: string | null;
  readonly fields: readonly { id: string; point: string; label: string; provision: string; status: string; value: string | null; missing: string | null }[];
}

const DEPLOYER: readonly [string, string][] = [
  ["address", "Adresse postale du déployeur (la collectivité)"],
  ["contact", "Coordonnées du service (courriel, téléphone)"],
  ["submitter_name", "Personne qui soumet l'enregistrement"],
  ["submitter_address", "Son adresse"],
  ["submitter_contact", "Ses coordonnées"],
  ["provider_entry_url", "Adresse de l'entrée du système dans la base de l'UE (fournisseur)"],
];
const STATUS: Record<string, string> = {
  filled: "Rempli",
  incomplete: "Incomplet",
  missing: "Manquant",
  not_applicable: "Sans objet",
  not_required: "Non demandé (section non publique)",
};

const status = byId("fria-etat", HTMLElement);
const error = byId("fria-erreur", HTMLElement);
const dueBox = byId("fria-requise", HTMLElement);
const originBox = byId("fria-origine", HTMLElement);
const form = byId("fria", HTMLFormElement);
const fields = byId("fria-champs", HTMLElement);
const missingSection = byId("fria-manques", HTMLElement);
const missingList = byId("fria-manques-liste", HTMLUListElement);
const reuse = byId("fria-reprise", HTMLElement);
const reuseId = byId("fria-reprise-id", HTMLInputElement);
const reuseButton = byId("fria-reprendre", HTMLButtonElement);
const packSection = byId("fria-enregistrement", HTMLElement);
const packDue = byId("fria-enregistrement-requis", HTMLElement);
const packFields = byId("fria-enregistrement-champs", HTMLElement);
const printButton = byId("fria-imprimer", HTMLButtonElement);
const jsonButton = byId("fria-json", HTMLButtonElement);
const documentView = byId("fria-document", HTMLElement);

const id = Number(new URLSearchParams(window.location.search).get("id"));
const token = decodeURIComponent(window.location.hash.replace(/^#/, ""));
const staff = loadToken();
const auth: Record<string, string> = token ? privateLinkHeaders(token) : staff ? bearerHeaders(staff) : {};
let view: FriaView | null = null;

function field(name: string, label: string, control: HTMLInputElement | HTMLTextAreaElement, help?: string): HTMLElement {
  control.id = `fria-${name}`;
  control.name = name;
  const hint = help ? el("p", { className: "hint", text: help, attributes: { id: `fria-${name}-aide` } }) : null;
  if (hint) control.setAttribute("aria-describedby", hint.id);
  return el("div", { className: "catalogue-field" }, [el("label", { text: label, attributes: { for: control.id } }), hint, control]);
}

function textArea(value: string | null, rows = 4): HTMLTextAreaElement {
  const area = el("textarea", { attributes: { rows: String(rows), maxlength: "5000" } });
  area.value = value ?? "";
  return area;
}

function textInput(value: string | null, type = "text"): HTMLInputElement {
  const input = el("input", { attributes: { type, maxlength: "500" } });
  input.value = value ?? "";
  return input;
}

function choice(type: "radio" | "checkbox", name: string, code: string, label: string, checked: boolean, help?: string): HTMLElement {
  const input = el("input", { attributes: { type, name, value: code, id: `fria-${name}-${code}` } });
  input.checked = checked;
  const text = help ? `${label} — ${help}` : label;
  return el("div", { className: "catalogue-choice" }, [input, el("label", { text, attributes: { for: input.id } })]);
}

function step(legend: string, children: readonly (Node | null)[]): HTMLFieldSetElement {
  return el("fieldset", { className: "catalogue-step" }, [el("legend", { text: legend }), ...children]);
}

function buildForm(current: FriaView): void {
  const { reference, form: values } = current;
  const answers = new Map(values.rights.map((right) => [right.code, right]));
  const elements = reference.fria.elements.map((e) =>
    field(`element-${e.id}`, `${e.point}) ${e.label} (${e.provision})`, textArea(values.elements[e.id] ?? null), e.help),
  );
  const rights = reference.fria.rights.map((right) => {
    const answer = answers.get(right.code);
    const name = `droit-${right.code}`;
    return el("fieldset", { className: "fria-right" }, [
      el("legend", { text: `${right.label} (Charte, art. ${right.charter_article})` }),
      ...reference.fria.at_stake.map((option) => choice("radio", name, option.code, option.label, answer?.at_stake === option.code)),
      field(`note-${right.code}`, `Pourquoi, et ce qui est prévu : ${right.label.toLowerCase()}`, textInput(answer?.note ?? null)),
    ]);
  });
  const criteria = reference.dpia.criteria.map((c) => choice("checkbox", "critere", c.code, c.label, (values.dpia.criteria ?? []).includes(c.code), `${c.help} (${c.source})`));
  const cnil = reference.dpia.cnil_list.map((t) => choice("checkbox", "cnil", t.code, t.label, (values.dpia.cnil_types ?? []).includes(t.code)));
  const shared = choice("checkbox", "partage", "oui", "Permettre à d'autres collectivités de reprendre cette analyse une fois terminée (art. 27(2))", values.shared);
  const review = current.origin ? choice("checkbox", "a-revoir", "oui", "Analyse reprise d'une autre fiche : encore à revoir", values.to_review) : null;
  fields.replaceChildren(
    step("Les éléments de l'article 27(1)", elements),
    step("Les droits de la Charte des droits fondamentaux à passer en revue", [
      el("p", { className: "hint", text: "Pour chaque droit, dites s'il est en jeu dans votre usage. L'analyse ne peut être terminée tant qu'un droit reste « à examiner »." }),
      ...rights,
    ]),
    step("Conclusions", [field("summary", "Synthèse des conclusions (reprise dans l'enregistrement, annexe VIII, section C, point 4)", textArea(values.summary))]),
    step("Analyse d'impact relative à la protection des données (AIPD)", [
      el("fieldset", { className: "catalogue-choices" }, [el("legend", { text: "Critères des lignes directrices WP248 remplis (deux : AIPD probablement requise)" }), ...criteria]),
      el("fieldset", { className: "catalogue-choices" }, [el("legend", { text: "Types de traitement de la liste de la CNIL concernés (un seul : AIPD requise)" }), ...cnil]),
      field("dpia-url", "Lien vers l'AIPD (art. 27(4) : l'analyse d'impact la complète)", textInput(values.dpia.url, "url")),
      field("dpia-summary", "Résumé de l'AIPD (annexe VIII, section C, point 5)", textArea(values.dpia.summary, 3)),
    ]),
    step("Enregistrement dans la base de l'UE (jamais publié par la bibliothèque)", DEPLOYER.map(([name, label]) => field(`deployer-${name}`, label, textInput(values.deployer[name] ?? null, name.endsWith("url") ? "url" : "text")))),
    step("Partage", [shared, review]),
  );
}

function valueOf(name: string): string | null {
  const control = form.elements.namedItem(name);
  const value = control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement ? control.value.trim() : "";
  return value === "" ? null : value;
}

function checked(name: string): string[] {
  return Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`), (input) => input.value);
}

function collect(current: FriaView, state: string): Form {
  const ref = current.reference.fria;
  const rights = ref.rights.flatMap((right) => {
    const [atStake] = checked(`droit-${right.code}`);
    return atStake ? [{ code: right.code, at_stake: atStake, note: valueOf(`note-${right.code}`) }] : [];
  });
  const screened = checked("critere").length + checked("cnil").length > 0 || current.form.dpia.criteria !== null;
  return {
    state,
    to_review: current.origin ? checked("a-revoir").length > 0 : false,
    shared: checked("partage").length > 0,
    elements: Object.fromEntries(ref.elements.map((e) => [e.id, valueOf(`element-${e.id}`)])),
    rights,
    summary: valueOf("summary"),
    dpia: { criteria: screened ? checked("critere") : null, cnil_types: screened ? checked("cnil") : null, url: valueOf("dpia-url"), summary: valueOf("dpia-summary") },
    deployer: Object.fromEntries(DEPLOYER.map(([name]) => [name, valueOf(`deployer-${name}`)])),
  };
}

function dutyText(duty: Duty, what: string): string {
  const date = duty.applies_from ? ` À partir du ${new Date(duty.applies_from).toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" })}.` : "";
  return `${what} ${duty.due ? "requise" : "non requise"} (${duty.provision}). ${duty.reason}${duty.due ? date : ""}`;
}

function showView(current: FriaView): void {
  view = current;
  const state = current.form.state === "complete" ? "terminée" : "en brouillon";
  const saved = current.version ? `version ${current.version}, ${state}` : "pas encore enregistrée";
  announce(status, `« ${current.use_case.title} » — analyse ${saved}.`);
  dueBox.replaceChildren(el("p", { text: dutyText(current.due, "Analyse d'impact") }));
  dueBox.hidden = false;
  originBox.hidden = !current.origin;
  if (current.origin) {
    const from = `${current.origin.title}${current.origin.local_authority_name ? ` (${current.origin.local_authority_name})` : ""}`;
    originBox.replaceChildren(el("p", { text: `Reprise de l'analyse de la fiche « ${from} », n° ${current.origin.use_case_id}${current.form.to_review ? " — à revoir" : ""}.` }));
  }
  missingList.replaceChildren(...current.missing.map((m) => el("li", { text: m.blocking ? m.label : `${m.label} (conseillé)` })));
  missingSection.hidden = current.missing.length === 0;
  renderDocument(current);
  printButton.disabled = false;
  jsonButton.disabled = false;
}

function showPack(pack: Pack): void {
  packDue.textContent = dutyText(pack.due, "Enregistrement") + (pack.non_public_note ? ` ${pack.non_public_note}` : "");
  packFields.replaceChildren(
    el(
      "ul",
      { className: "fria-pack" },
      pack.fields.map((f) =>
        el("li", { className: f.status === "missing" || f.status === "incomplete" ? "fria-pack--missing" : "" }, [
          el("p", { text: `${f.point}. ${f.label} — ${STATUS[f.status] ?? f.status}` }),
          f.value ? el("p", { text: f.value }) : null,
          f.missing ? el("p", { className: "hint", text: f.missing }) : null,
          el("p", { className: "hint", text: f.provision }),
        ]),
      ),
    ),
  );
  packSection.hidden = false;
}

function renderDocument(current: FriaView): void {
  const ref = current.reference.fria;
  const answers = new Map(current.form.rights.map((r) => [r.code, r]));
  const stake = new Map(ref.at_stake.map((o) => [o.code, o.label]));
  const screening = current.dpia_screening;
  documentView.replaceChildren(
    el("h2", { text: `Analyse d'impact sur les droits fondamentaux — ${current.use_case.title}`, attributes: { id: "fria-document-titre" } }),
    el("p", { text: `${current.use_case.local_authority_name ?? ""} · ${current.form.state === "complete" ? "Analyse terminée" : "Brouillon"} · version ${current.version}` }),
    el("p", { text: dutyText(current.due, "Analyse d'impact") }),
    ...ref.elements.map((e) => el("section", {}, [el("h3", { text: `${e.point}) ${e.label} (${e.provision})` }), el("p", { text: current.form.elements[e.id] ?? "Non renseigné." })])),
    el("section", {}, [
      el("h3", { text: "Droits de la Charte" }),
      el("ul", {}, ref.rights.map((r) => el("li", { text: `${r.label} (art. ${r.charter_article}) : ${stake.get(answers.get(r.code)?.at_stake ?? "") ?? "non examiné"}${answers.get(r.code)?.note ? ` — ${answers.get(r.code)?.note}` : ""}` }))),
    ]),
    el("section", {}, [el("h3", { text: "Synthèse des conclusions" }), el("p", { text: current.form.summary ?? "Non renseignée." })]),
    el("section", {}, [
      el("h3", { text: "Repérage de l'AIPD" }),
      el("p", { text: screening.text }),
      el("ul", {}, [...screening.criteria.map((c) => el("li", { text: `${c.label} (${c.source})` })), ...screening.cnil_types.map((t) => el("li", { text: `Liste de la CNIL : ${t.label}` }))]),
      current.form.dpia.url ? el("p", { text: `AIPD : ${current.form.dpia.url}` }) : null,
    ]),
    el("section", {}, [el("h3", { text: "Sources" }), el("ul", {}, ref.sources.map((s) => el("li", { text: s.url ? `${s.ref} — ${s.url}` : s.ref })))]),
  );
}

async function loadPack(): Promise<void> {
  showPack(await send<Pack>("GET", `/use-cases/${id}/registration`, undefined, auth));
}

async function refresh(current: FriaView): Promise<void> {
  buildForm(current);
  showView(current);
  await loadPack();
}

async function save(state: string): Promise<void> {
  if (!view) return;
  showError(error, "");
  try {
    const saved = await send<FriaView>("PUT", `/use-cases/${id}/fria`, collect(view, state), { ...auth, ...ifMatchHeaders(view.version) });
    await refresh(saved);
    announce(status, `Analyse enregistrée (version ${saved.version}, ${saved.form.state === "complete" ? "terminée" : "brouillon"}).`);
  } catch (failure) {
    const details = failure instanceof FieldErrors ? failure.errors.map((e) => e.msg) : [];
    showError(error, [errorMessage(failure), ...details].join(" "));
    error.focus();
  }
}

async function copyFrom(): Promise<void> {
  if (!view) return;
  showError(error, "");
  const other = Number(reuseId.value.trim());
  if (!Number.isInteger(other) || other < 1) {
    showError(error, "Indiquez le numéro d'une fiche publiée.");
    error.focus();
    return;
  }
  try {
    await refresh(await send<FriaView>("POST", `/use-cases/${id}/fria/from/${other}`, undefined, { ...auth, ...ifMatchHeaders(view.version) }));
  } catch (failure) {
    showError(error, errorMessage(failure));
    error.focus();
  }
}

function downloadJson(): void {
  if (!view) return;
  const blob = new Blob([JSON.stringify(view, null, 2)], { type: "application/json" });
  const link = el("a", { attributes: { href: URL.createObjectURL(blob), download: `analyse-impact-fiche-${id}.json` } });
  link.click();
  URL.revokeObjectURL(link.href);
}

async function start(): Promise<void> {
  if (!Number.isInteger(id) || id < 1) {
    announce(status, "");
    showError(error, "Adresse incomplète : le numéro de la fiche manque. Utilisez le lien de votre fiche.");
    return;
  }
  if (!token && !staff) {
    announce(status, "");
    showError(error, "Ouvrez cette page depuis le lien de modification de votre fiche, ou connectez-vous comme modérateur.");
    return;
  }
  const current = await send<FriaView>("GET", `/use-cases/${id}/fria`, undefined, auth);
  await refresh(current);
  form.hidden = false;
  reuse.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = (event as SubmitEvent).submitter;
    void save(submitter instanceof HTMLButtonElement ? submitter.value : "draft");
  });
  reuseButton.addEventListener("click", () => void copyFrom());
  printButton.addEventListener("click", () => window.print());
  jsonButton.addEventListener("click", downloadJson);
}

start().catch((failure: unknown) => {
  announce(status, "");
  showError(error, errorMessage(failure));
});
