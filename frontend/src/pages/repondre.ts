/**
 * The answering page, reached from the personal link `repondre.html#<token>`: the token stays in
 * the fragment (never sent as part of an address), answers save as they are typed, colleagues'
 * changes arrive every few seconds, and a notice says when two agents changed the same answer.
 */

import { fragmentToken, showWrongAddress, type WayBack } from "../address";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { formatDate } from "../format";
import { privateLinkHeaders } from "../headers";
import { call, detailOf, type Reply } from "../survey/client";
import { applyExclusive, readValue, renderForm, writeValue, type QuestionBlock } from "../survey/form";
import { offered } from "../survey/choice-filter";
import { DEFAULT, languagesOf, translate } from "../survey/languages";
import { pipe } from "../survey/piping";
import { checkAnswer, flatten, isAnswered, messageFor, progress as progressOf, relevantAnswers, type Definition, type FlatQuestion, type Json, type Org } from "../survey/rules";
import "../survey/survey.css";

const POLL_MS = 2000;
const TEXT_DELAY_MS = 500;
const KIND_LABELS: Record<string, string> = { commune: "Commune", epci: "Intercommunalité (EPCI)", departement: "Département", region: "Région" };

const status = byId("reponse-etat", HTMLElement);
const error = byId("reponse-erreur", HTMLElement);
const shell = byId("questionnaire", HTMLElement);
const identity = byId("identite", HTMLElement);
const deadline = byId("echeance", HTMLElement);
const progress = byId("progression", HTMLProgressElement);
const progressText = byId("progression-texte", HTMLElement);
const saved = byId("sauvegarde", HTMLElement);
const notices = byId("avis", HTMLElement);
const form = byId("formulaire", HTMLFormElement);
const questions = byId("questions", HTMLElement);
const submitButton = byId("envoyer", HTMLButtonElement);
const submitError = byId("envoi-erreur", HTMLElement);
const submitStatus = byId("envoi-etat", HTMLElement);
const title = byId("titre", HTMLElement);
const languagePicker = byId("langues", HTMLElement);
const languageSelect = byId("langue", HTMLSelectElement);
const nextRequired = byId("suivante", HTMLAnchorElement);
const sectionList = byId("sections", HTMLElement);

const token = fragmentToken();
const CONTACT: WayBack = { href: "contact.html", text: "Écrire à l'équipe de l'observatoire (page Contact)" };
/** Waits before the second and third attempts at loading the questionnaire; then the page says what happens. */
const LOAD_RETRIES_MS = [1500, 3000];
/** Refusals meaning the link names no invitation (unknown, revoked, cut short). */
const LINK_UNKNOWN = [400, 401, 404, 410, 422];
/** Autosave: quick retries first, then one every 30 s once the service has failed this often. */
const SAVE_RETRY_MS = 3000;
const SAVE_SLOW_RETRY_MS = 30_000;
const SAVE_QUICK_TRIES = 3;
const author = tabLabel();

/** The questionnaire as written, and as shown in the chosen language. */
let original: Definition;
let definition: Definition;
let flats: FlatQuestion[] = [];
let blocks = new Map<string, QuestionBlock>();
let org: Org = {};
const values: Record<string, Json> = {};
const revisions: Record<string, number> = {};
let revision = 0;
let open = true;
/** Keys changed here and not yet acknowledged by the server. */
const pending = new Set<string>();
let saveTimer: number | undefined;
let saving: Promise<void> | null = null;
/** Autosaves failed in a row (the service unreachable or in error). */
let failedSaves = 0;

function tabLabel(): string {
  try {
    const existing = window.sessionStorage.getItem("iat.agent");
    if (existing) return existing;
    const label = `agent-${Math.random().toString(36).slice(2, 10)}`;
    window.sessionStorage.setItem("iat.agent", label);
    return label;
  } catch {
    return `agent-${Math.random().toString(36).slice(2, 10)}`;
  }
}

function labelOf(key: string): string {
  return flats.find((flat) => flat.key === key)?.label ?? key;
}

function notice(text: string): void {
  const item = el("p", { className: "notice survey-notice", text });
  const close = el("button", { className: "button button--secondary", text: "Fermer cet avis", attributes: { type: "button" } });
  close.addEventListener("click", () => item.remove());
  item.append(" ", close);
  notices.prepend(item);
}

function showFieldError(key: string, message: string): void {
  const block = blocks.get(key);
  if (!block) return;
  block.error.textContent = message;
  for (const input of [...block.inputs, block.field].filter((x) => x !== null)) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

/** The sticky bar's link to the first required question, shown, that has no answer yet. */
function showNextRequired(relevant: Set<string>): void {
  const next = flats.find((flat) => flat.required && relevant.has(flat.key) && !isAnswered(values[flat.key]));
  nextRequired.hidden = next === undefined;
  if (next) {
    nextRequired.href = `#question-${next.key}`;
    nextRequired.textContent = `Question obligatoire suivante : ${next.label}`;
  }
}

/** The sticky bar's list of sections to jump to. */
function showSections(): void {
  const items = [...questions.querySelectorAll<HTMLElement>("section[data-section]")].map((section) => {
    const heading = section.querySelector("h2, h3");
    return el("li", { attributes: { "data-target": section.id } }, [el("a", { text: heading?.textContent ?? "", attributes: { href: `#${section.id}` } })]);
  });
  sectionList.replaceChildren(...items);
  byId("sommaire", HTMLElement).hidden = items.length < 2;
}

/** Following a link of the sticky bar puts the keyboard in the question, not only the view. */
function focusTarget(event: Event): void {
  const link = (event.target as HTMLElement).closest("a");
  const target = link ? document.getElementById(link.hash.slice(1)) : null;
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({ block: "start" });
  const control = target.querySelector<HTMLElement>("input:not([disabled]), textarea, select, h2, h3");
  if (control && !control.matches("input, textarea, select")) control.setAttribute("tabindex", "-1");
  control?.focus({ preventScroll: true });
}

/** `${question}` in labels and hints shows the answer given so far. */
function refreshPiping(): void {
  for (const element of questions.querySelectorAll<HTMLElement>("[data-template]")) {
    element.textContent = pipe(element.dataset["template"] ?? "", definition, flats, values);
  }
}

/** A choice a question's choice_filter does not offer (given earlier answers) is hidden and unticked. */
function refreshChoices(kept: Record<string, Json>): boolean {
  let changed = false;
  for (const block of blocks.values()) {
    const question = block.flat.question;
    if (!question?.choice_filter || !question.choices) continue;
    const choices = new Map((definition.choice_lists[question.choices] ?? []).map((choice) => [choice.code, choice]));
    for (const input of block.inputs) {
      const choice = choices.get(input.value);
      const shown = !choice || offered(question.choice_filter, choice, kept, org);
      const wrapper = input.closest<HTMLElement>(".survey-choice");
      if (wrapper) wrapper.hidden = !shown;
      if (!shown && input.checked) {
        input.checked = false;
        changed = true;
        onLocalChange(block, true);
      }
    }
  }
  return changed;
}

function refreshRelevance(): void {
  const { kept, relevant } = relevantAnswers(flats, values, org);
  if (refreshChoices(kept)) return; // onLocalChange refreshed everything with the unticked value
  refreshPiping();
  for (const [key, block] of blocks) block.wrapper.hidden = !relevant.has(key);
  for (const section of questions.querySelectorAll<HTMLElement>("[data-section]")) {
    section.hidden = [...section.querySelectorAll<HTMLElement>(".survey-question")].every((q) => q.hidden);
  }
  showNextRequired(relevant);
  for (const item of sectionList.querySelectorAll<HTMLElement>("[data-target]")) {
    item.hidden = document.getElementById(item.dataset["target"] ?? "")?.hidden ?? true;
  }
  // Calculations count neither as asked nor as answered, as on the server.
  const counts = progressOf(flats, values, org);
  const answered = counts.answered;
  progress.max = Math.max(1, counts.relevant);
  progress.value = answered;
  progressText.textContent = `${answered} question${answered > 1 ? "s" : ""} répondue${answered > 1 ? "s" : ""} sur ${counts.relevant}`;
}

function onLocalChange(block: QuestionBlock, immediate: boolean): void {
  const value = readValue(block);
  const key = block.flat.key;
  if (value === undefined) {
    showFieldError(key, messageFor(block.flat, "type"));
    return;
  }
  values[key] = value;
  const code = checkAnswer(definition, block.flat, values, org);
  showFieldError(key, code ? messageFor(block.flat, code) : "");
  refreshRelevance();
  if (code) return;
  pending.add(key);
  announce(saved, "Modifications en attente d'enregistrement…");
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => void flush(), immediate ? 0 : TEXT_DELAY_MS);
}

async function flush(): Promise<void> {
  if (saving) {
    await saving;
  }
  if (pending.size === 0 || !open) return;
  const keys = [...pending];
  pending.clear();
  const answers: Record<string, Json> = {};
  const seen: Record<string, number> = {};
  for (const key of keys) {
    answers[key] = values[key] ?? null;
    seen[key] = revisions[key] ?? 0;
  }
  announce(saved, "Enregistrement…");
  saving = (async () => {
    try {
      const reply = await call("/answering/answers", privateLinkHeaders(token), { method: "PATCH", body: { answers, seen, author } });
      handleSave(reply);
    } catch (failure) {
      for (const key of keys) pending.add(key);
      failedSaves += 1;
      const slow = failedSaves >= SAVE_QUICK_TRIES;
      announce(saved, slow
        ? `Vos dernières modifications ne sont pas encore enregistrées : le service ne répond pas. Les réponses enregistrées avant restent conservées. Gardez cette page ouverte, un nouvel essai a lieu toutes les 30 secondes ; si cela dure, écrivez à l'équipe de l'observatoire (page Contact).`
        : errorMessage(failure));
      window.setTimeout(() => void flush(), slow ? SAVE_SLOW_RETRY_MS : SAVE_RETRY_MS);
    } finally {
      saving = null;
    }
  })();
  await saving;
}

function handleSave(reply: Reply): void {
  failedSaves = 0;
  const body = reply.body;
  if (reply.status === 409) {
    closeForm(detailOf(reply, "La campagne est close."));
    return;
  }
  if (reply.status !== 200 && reply.status !== 422) {
    announce(saved, detailOf(reply, "Vos réponses n'ont pas pu être enregistrées."));
    return;
  }
  const savedKeys = (body["saved"] ?? {}) as Record<string, number>;
  for (const [key, rev] of Object.entries(savedKeys)) revisions[key] = rev;
  for (const item of (body["replaced"] ?? []) as { key: string; value: Json }[]) {
    notice(`« ${labelOf(item.key)} » : un autre agent avait saisi une autre réponse ; la vôtre, plus récente, l'a remplacée. L'ancienne reste dans l'historique.`);
  }
  for (const problem of (body["errors"] ?? []) as { key: string; msg: string }[]) showFieldError(problem.key, problem.msg);
  const failed = ((body["errors"] ?? []) as { key: string }[]).length;
  const time = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  announce(saved, failed ? `Enregistré à ${time}, sauf ${failed} réponse(s) à corriger.` : `Toutes vos réponses sont enregistrées (${time}).`);
}

async function poll(): Promise<void> {
  if (!open || saving || pending.size > 0) return;
  try {
    const reply = await call(`/answering/changes?since=${revision}`, privateLinkHeaders(token));
    if (reply.status !== 200) return;
    const changes = (reply.body["answers"] ?? {}) as Record<string, { value: Json; revision: number; author: string }>;
    for (const [key, change] of Object.entries(changes)) {
      if (change.revision <= (revisions[key] ?? 0)) continue;
      revisions[key] = change.revision;
      if (pending.has(key)) continue; // our later save wins; the server will tell us
      const block = blocks.get(key);
      const before = JSON.stringify(values[key] ?? null);
      values[key] = change.value;
      if (block) writeValue(block, change.value);
      if (change.author !== author && before !== JSON.stringify(change.value ?? null)) {
        notice(`« ${labelOf(key)} » a été modifiée par un autre agent de votre collectivité.`);
      }
    }
    if (typeof reply.body["revision"] === "number") revision = Math.max(revision, reply.body["revision"]);
    refreshRelevance();
  } catch {
    // The next poll tries again.
  }
}

function disableControls(): void {
  for (const control of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLButtonElement>("input, textarea, button")) control.disabled = true;
}

function closeForm(message: string): void {
  open = false;
  disableControls();
  showError(error, message);
}

async function submit(): Promise<void> {
  window.clearTimeout(saveTimer);
  await flush();
  showError(submitError, "");
  submitButton.disabled = true;
  announce(submitStatus, "Envoi en cours…");
  try {
    const reply = await call("/answering/submit", privateLinkHeaders(token), { method: "POST" });
    if (reply.status === 200) {
      announce(submitStatus, `Réponses envoyées le ${formatDate(String(reply.body["submitted_at"]))}. Un accusé de réception avec la copie de vos réponses part par courriel ; vous pouvez encore les modifier jusqu'à la clôture.`);
      return;
    }
    announce(submitStatus, "");
    const problems = (reply.body["errors"] ?? []) as { key: string; msg: string }[];
    for (const problem of problems) showFieldError(problem.key, problem.msg);
    showError(submitError, detailOf(reply, "L'envoi a échoué."));
    if (problems.length > 0) {
      const list = el("ul", {}, problems.map((problem) => el("li", {}, [el("a", { text: `${labelOf(problem.key)} : ${problem.msg}`, attributes: { href: `#question-${problem.key}` } })])));
      submitError.append(list);
    }
    submitError.focus();
  } catch (failure) {
    announce(submitStatus, "");
    showError(submitError, errorMessage(failure));
  } finally {
    if (open) submitButton.disabled = false;
  }
}

function showIdentity(body: Record<string, unknown>): void {
  const authority = body["local_authority"] as Record<string, string | number | null>;
  const campaign = body["campaign"] as Record<string, string>;
  const facts: [string, string][] = [
    ["Collectivité", String(authority["name"])],
    ["Type", KIND_LABELS[String(authority["kind"])] ?? String(authority["kind"])],
    ["Code", String(authority["code"])],
  ];
  if (authority["departement_name"]) facts.push(["Département", String(authority["departement_name"])]);
  if (authority["region_name"]) facts.push(["Région", String(authority["region_name"])]);
  if (typeof authority["population"] === "number") facts.push(["Population", new Intl.NumberFormat("fr-FR").format(authority["population"]) + " habitants"]);
  identity.replaceChildren(...facts.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })]));
  deadline.textContent = `Campagne « ${campaign["title"]} » : réponses modifiables jusqu'au ${formatDate(String(campaign["closes_on"]))} inclus (heure de Paris).`;
}

/** GET /answering, tried again a bounded number of times while the service fails (5xx, no answer). */
async function fetchQuestionnaire(): Promise<Reply> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call("/answering", privateLinkHeaders(token));
    } catch (failure) {
      const wait = LOAD_RETRIES_MS[attempt];
      if (wait === undefined) throw failure;
      announce(status, `${errorMessage(failure)} Nouvel essai dans ${Math.round(wait / 1000)} s (essai ${attempt + 2} sur ${LOAD_RETRIES_MS.length + 1})…`);
      await new Promise((resolve) => window.setTimeout(resolve, wait));
    }
  }
}

/** After the last attempt: what happens to the answers, and who to write to. */
function showUnavailable(failure: unknown): void {
  announce(status, "");
  error.replaceChildren(
    el("p", { text: `Le questionnaire ne peut pas être affiché pour le moment (${LOAD_RETRIES_MS.length + 1} essais). ${errorMessage(failure)}` }),
    el("p", { text: "Les réponses déjà enregistrées sont conservées : rien n'est perdu. Revenez plus tard avec le même lien personnel ; il reste valable jusqu'à la clôture de la campagne." }),
    el("p", {}, ["Si le problème dure, ", el("a", { text: CONTACT.text, attributes: { href: CONTACT.href } }), " en indiquant le nom de votre collectivité."]),
  );
}

async function start(): Promise<void> {
  try {
    const reply = await fetchQuestionnaire();
    if (reply.status !== 200 && !LINK_UNKNOWN.includes(reply.status)) {
      announce(status, "");
      showError(error, detailOf(reply, "Le questionnaire ne peut pas être affiché."));
      return;
    }
    if (reply.status !== 200) {
      showWrongAddress("Lien non valable", `${detailOf(reply, "Ce lien de réponse est inconnu ou n'est plus valable.")} Ouvrez en entier le lien personnel reçu par courriel ; s'il ne fonctionne plus, demandez-en un nouveau.`, CONTACT);
      return;
    }
    const body = reply.body;
    original = body["definition"] as Definition;
    definition = original;
    flats = flatten(definition);
    const authority = body["local_authority"] as Record<string, Json>;
    org = { kind: authority["kind"] ?? null, population: authority["population"] ?? null, region: authority["region"] ?? null, departement: authority["departement"] ?? null };
    title.textContent = definition.title;
    document.title = `${definition.title} — Les intelligences associées des territoires`;
    showIdentity(body);
    revision = Number(body["revision"] ?? 0);
    for (const [key, stored] of Object.entries((body["answers"] ?? {}) as Record<string, { value: Json; revision: number }>)) {
      values[key] = stored.value;
      revisions[key] = stored.revision;
    }
    showLanguages();
    showForm(DEFAULT);
    applyDefaults(body["status"] === "submitted");
    bindPage();
    refreshRelevance();
    shell.hidden = false;
    const campaign = body["campaign"] as Record<string, string>;
    announce(status, body["status"] === "submitted" ? "Vos réponses ont été envoyées ; vous pouvez encore les modifier." : "");
    if (campaign["status"] !== "open") closeForm(campaign["status"] === "closed" ? `La campagne est close depuis le ${formatDate(campaign["closes_on"] ?? "")} : les réponses ne peuvent plus être modifiées.` : "La campagne n'est pas encore ouverte.");
    window.setInterval(() => void poll(), POLL_MS);
  } catch (failure) {
    showUnavailable(failure);
  }
}

/** The language picker, when the questionnaire has more than one language. */
function showLanguages(): void {
  const languages = languagesOf(original);
  languagePicker.hidden = languages.length < 2;
  languageSelect.replaceChildren(...languages.map((language) => el("option", { text: language.name, attributes: { value: language.value } })));
  languageSelect.addEventListener("change", () => showForm(languageSelect.value));
}

/** (Re)builds the questions in `language`, with the answers given so far. */
function showForm(language: string): void {
  definition = translate(original, language);
  flats = flatten(definition);
  const chosen = languagesOf(original).find((item) => item.value === language);
  if (chosen?.code) questions.setAttribute("lang", chosen.code);
  questions.replaceChildren();
  blocks = renderForm(definition, flats, questions);
  for (const [key, block] of blocks) if (key in values) writeValue(block, values[key]);
  bindBlocks();
  showSections();
  refreshRelevance();
  if (!open) disableControls();
}

function defaultValue(flat: FlatQuestion): Json | undefined {
  const written = flat.question?.default;
  if (!written) return undefined;
  if (flat.type === "select_multiple") return written.split(/\s+/).filter(Boolean);
  if (flat.type === "integer" || flat.type === "decimal" || flat.type === "scale") {
    const number = Number(written);
    return Number.isFinite(number) ? number : undefined;
  }
  return written;
}

/** A question's default (XLSForm `default`) fills it when nobody has answered it yet, and is saved. */
function applyDefaults(submitted: boolean): void {
  if (submitted) return;
  for (const [key, block] of blocks) {
    const value = defaultValue(block.flat);
    if (value === undefined || key in values) continue;
    writeValue(block, value);
    onLocalChange(block, true);
  }
}

function bindBlocks(): void {
  for (const block of blocks.values()) {
    for (const input of block.inputs) {
      input.addEventListener("change", () => {
        applyExclusive(definition, block, input);
        onLocalChange(block, true);
      });
    }
    block.field?.addEventListener("input", () => onLocalChange(block, false));
    block.field?.addEventListener("blur", () => void flush());
    block.dontKnow?.addEventListener("change", () => {
      if (block.field) block.field.disabled = block.dontKnow?.checked ?? false;
      onLocalChange(block, true);
    });
  }
}

function bindPage(): void {
  nextRequired.addEventListener("click", focusTarget);
  sectionList.addEventListener("click", focusTarget);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });
  window.addEventListener("beforeunload", (event) => {
    if (pending.size > 0) event.preventDefault();
  });
}

// Another personal link pasted into this tab: start again with its token.
window.addEventListener("hashchange", () => window.location.reload());

if (token) {
  void start();
} else {
  showWrongAddress("Lien incomplet", "Ce lien est incomplet : ouvrez en entier le lien personnel reçu par courriel, qui se termine par « # » suivi d'une longue suite de caractères.", CONTACT);
}
