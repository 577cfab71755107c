/**
 * The AI Act qualification, one question at a time. Opened with a fiche's private link (the token
 * in the address's fragment, as fiche-modifier.html) or, for staff, `?id=` with the session; each
 * answer is saved (PUT), so the questionnaire resumes where it was left. Without either, the page
 * lists the rule set and its version.
 */

import "../catalogue/catalogue.css";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { formatDate } from "../format";
import { loadToken } from "../session";
import { bearerHeaders, ifMatchHeaders, privateLinkHeaders } from "../headers";
import { FieldErrors, getVocabularies, send, type UseCasePrivate, type Vocabularies } from "../catalogue/api";
import { getRules, qualify, stillOffered, type Answer, type Answers, type Outcome, type Qualification, type Question, type RuleSet } from "../catalogue/ai-act";

const status = byId("qualif-etat", HTMLElement);
const error = byId("qualif-erreur", HTMLElement);
const requalify = byId("qualif-requalifier", HTMLElement);
const questionnaire = byId("qualif-questionnaire", HTMLElement);
const ficheTitle = byId("qualif-fiche", HTMLElement);
const progress = byId("qualif-progression", HTMLProgressElement);
const progressText = byId("qualif-progression-texte", HTMLElement);
const form = byId("qualif-etape", HTMLFormElement);
const questionText = byId("qualif-question-texte", HTMLElement);
const article = byId("qualif-article", HTMLElement);
const help = byId("qualif-aide", HTMLElement);
const options = byId("qualif-options", HTMLElement);
const questionError = byId("qualif-question-erreur", HTMLElement);
const previous = byId("qualif-precedent", HTMLButtonElement);
const next = byId("qualif-suivant", HTMLButtonElement);
const saveStatus = byId("qualif-sauvegarde", HTMLElement);
const result = byId("qualif-resultat", HTMLElement);

const linkToken = decodeURIComponent(window.location.hash.replace(/^#/, ""));
const staffId = Number.parseInt(new URLSearchParams(window.location.search).get("id") ?? "", 10);

function label(vocabularies: Vocabularies, name: string, code: string | null): string {
  if (code === null) return "non déterminé";
  return vocabularies.vocabularies[name]?.find((entry) => entry.code === code)?.label ?? code;
}

/** Who is qualifying: the fiche's link, or a signed-in staff member on `?id=`; null to read the rules. */
function credentials(): Record<string, string> | null {
  if (linkToken) return privateLinkHeaders(linkToken);
  const session = loadToken();
  return session && Number.isInteger(staffId) && staffId > 0 ? bearerHeaders(session) : null;
}

async function fiche(headers: Record<string, string>): Promise<Qualification> {
  const id = linkToken ? (await send<UseCasePrivate>("GET", "/edit-link", undefined, headers)).id : staffId;
  return send<Qualification>("GET", `/use-cases/${id}/qualification`, undefined, headers);
}

/** The questions asked, in order: those answered, then the next one. */
function sequence(outcome: Outcome): string[] {
  return [...outcome.trail.map((step) => step.question), ...(outcome.next_question ? [outcome.next_question] : [])];
}

function showRules(ruleSet: RuleSet): void {
  byId("regles-version", HTMLElement).textContent = `Version ${ruleSet.version} des règles.`;
  const source = byId("regles-source", HTMLElement);
  source.replaceChildren(
    ruleSet.source.url ? el("a", { text: ruleSet.source.text, attributes: { href: ruleSet.source.url } }) : ruleSet.source.text,
    ruleSet.source.consolidated ? ` (${ruleSet.source.consolidated})` : "",
  );
  byId("regles-dates", HTMLElement).replaceChildren(
    ...Object.values(ruleSet.dates).map((date) => el("li", { text: `${formatDate(date.date)} : ${date.label} (${date.source})` })),
  );
  byId("regles-questions", HTMLElement).replaceChildren(
    ...ruleSet.questions.map((question) =>
      el("li", {}, [
        el("p", { text: question.text }),
        el("p", { className: "hint", text: `${question.provision.ref}${question.help ? ` — ${question.help}` : ""}` }),
        el("p", { className: "hint", text: `Réponses : ${question.options.map((option) => option.label).join(" ; ")}` }),
      ]),
    ),
  );
  byId("regles-obligations", HTMLElement).replaceChildren(
    ...(ruleSet.obligations ?? []).map((obligation) => {
      const date = ruleSet.dates[obligation.from];
      return el("li", { text: `${obligation.title} (${obligation.provision.ref})${date ? `, à partir du ${formatDate(date.date)}` : ""} : ${obligation.text}` });
    }),
  );
  byId("regles", HTMLElement).hidden = false;
}

function choices(question: Question, answer: Answer | undefined): HTMLElement[] {
  const chosen = answer === undefined ? [] : typeof answer === "string" ? [answer] : answer;
  return question.options.map((option) => {
    const input = el("input", {
      attributes: { type: question.kind === "one" ? "radio" : "checkbox", id: `reponse-${option.code}`, name: "reponse", value: option.code },
    });
    input.checked = chosen.includes(option.code);
    return el("div", { className: "catalogue-choice" }, [input, el("label", { text: option.label, attributes: { for: input.id } })]);
  });
}

function showOutcome(vocabularies: Vocabularies, outcome: Outcome, qualification: Qualification): void {
  byId("qualif-resultat-classe", HTMLElement).replaceChildren(
    el("dt", { text: "Classe" }),
    el("dd", { text: `${label(vocabularies, "ai_act_class", outcome.ai_act_class)}${outcome.class_provision ? ` (${outcome.class_provision})` : ""}` }),
    el("dt", { text: "Rôle" }),
    el("dd", { text: label(vocabularies, "ai_act_role", outcome.role) }),
    el("dt", { text: "Règles" }),
    el("dd", { text: `version ${outcome.rules_version}` }),
  );
  byId("qualif-resultat-fiche", HTMLElement).textContent =
    qualification.draft.source === "qualification"
      ? "La classe, le rôle, le domaine de l'annexe III et les obligations de transparence de la fiche viennent de ces réponses ; ils seront publiés à la prochaine publication de la fiche."
      : "";
  byId("qualif-obligations", HTMLElement).replaceChildren(
    ...(outcome.obligations.length
      ? outcome.obligations.map((duty) =>
          el("li", {}, [
            el("strong", { text: `${duty.title} (${duty.provision})` }),
            el("p", { text: duty.text }),
            el("p", { className: "hint", text: `À partir du ${formatDate(duty.applies_from)} : ${duty.date_label} (${duty.date_source}).` }),
          ]),
        )
      : [el("li", { text: "Aucune obligation du règlement ne s'applique." })]),
  );
  byId("qualif-fil", HTMLElement).replaceChildren(
    ...outcome.trail.map((step) => el("li", {}, [el("p", { text: step.text }), el("p", { className: "hint", text: `${step.labels.join(", ") || "aucune réponse cochée"} — ${step.provision}` })])),
  );
}

async function start(): Promise<void> {
  const [ruleSet, vocabularies] = await Promise.all([getRules(), getVocabularies()]);
  const headers = credentials();
  if (headers === null) {
    announce(status, "");
    showRules(ruleSet);
    return;
  }
  let saved = await fiche(headers);
  const answers: Answers = stillOffered(ruleSet, saved.answers);
  let outcome = await qualify(answers);
  let position = Math.max(0, sequence(outcome).length - 1);
  const retour = byId("qualif-retour", HTMLAnchorElement);
  retour.href = linkToken ? `fiche-modifier.html#${encodeURIComponent(linkToken)}` : `fiche.html?id=${saved.use_case_id}&apercu=1`;
  retour.hidden = false;
  ficheTitle.textContent = `Fiche « ${saved.title} »`;
  if (saved.draft.requalify) {
    requalify.hidden = false;
    requalify.replaceChildren(
      el("p", { text: `À requalifier : la fiche a été qualifiée avec les règles v${saved.draft.rules_version ?? "?"} ; les règles sont maintenant en v${saved.draft.current_rules_version}. Revoyez les réponses jusqu'au résultat.` }),
    );
  }
  questionnaire.hidden = false;
  const begun = Object.keys(saved.answers).length > 0;
  announce(
    status,
    outcome.complete && saved.outcome?.complete
      ? "Qualification terminée : vous pouvez revoir les réponses."
      : `${begun ? "Reprise du questionnaire" : "Questionnaire de qualification"} (règles v${ruleSet.version}) : chaque réponse est enregistrée.`,
  );
  if (outcome.complete && saved.outcome?.complete) position = sequence(outcome).length;
  // Under new rules every answer is to be seen again, from the first (each one kept as chosen).
  if (saved.draft.requalify) position = 0;
  show(false);

  function show(focus: boolean): void {
    const asked = sequence(outcome);
    questionError.textContent = "";
    if (position >= asked.length && outcome.complete) {
      form.hidden = true;
      progressText.textContent = `${asked.length} questions répondues sur ${asked.length}.`;
      progress.max = Math.max(1, asked.length);
      progress.value = asked.length;
      showOutcome(vocabularies, outcome, saved);
      result.hidden = false;
      if (focus) result.focus();
      return;
    }
    result.hidden = true;
    form.hidden = false;
    const question = ruleSet.questions.find((q) => q.id === asked[position]);
    if (!question) throw new Error(`Question inconnue : ${asked[position]}`);
    const total = outcome.trail.length + outcome.unanswered.length;
    progressText.textContent = `Question ${position + 1} — au plus ${Math.max(total, position + 1)} en tout selon vos réponses.`;
    progress.max = Math.max(1, total);
    progress.value = position;
    questionText.textContent = question.text;
    article.textContent = `Article appliqué : ${question.provision.ref}${question.kind === "many" ? " — plusieurs réponses possibles" : ""}`;
    help.textContent = question.help ?? "";
    options.replaceChildren(...choices(question, answers[question.id]));
    previous.disabled = position === 0;
    if (focus) questionText.focus();
  }

  function chosen(question: Question): Answer | null {
    const checked = [...options.querySelectorAll<HTMLInputElement>("input:checked")].map((input) => input.value);
    if (question.kind === "many") return checked;
    return checked[0] ?? null;
  }

  previous.addEventListener("click", () => {
    position = Math.max(0, position - 1);
    show(true);
  });
  byId("qualif-revoir", HTMLButtonElement).addEventListener("click", () => {
    position = 0;
    show(true);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void answer();
  });

  async function answer(): Promise<void> {
    const id = sequence(outcome)[position];
    const question = ruleSet.questions.find((q) => q.id === id);
    if (!question || !id) return;
    const value = chosen(question);
    if (value === null) {
      questionError.textContent = "Choisissez une réponse pour continuer.";
      questionText.focus();
      return;
    }
    answers[id] = value;
    next.disabled = true;
    showError(error, "");
    try {
      saved = await send<Qualification>("PUT", `/use-cases/${saved.use_case_id}/qualification`, { answers }, { ...(headers ?? {}), ...ifMatchHeaders(saved.version) });
      if (!saved.outcome) throw new Error("réponse sans résultat");
      outcome = saved.outcome;
      announce(saveStatus, "Réponse enregistrée : vous pourrez reprendre plus tard avec le même lien.");
      requalify.hidden = !saved.draft.requalify;
      position = sequence(outcome).indexOf(id) + 1;
      show(true);
    } catch (failure) {
      const detail = failure instanceof FieldErrors && failure.status === 412 ? "La fiche a été modifiée ailleurs depuis l'ouverture de cette page : rechargez-la." : errorMessage(failure);
      showError(error, detail);
      error.focus();
    } finally {
      next.disabled = false;
    }
  }
}

start().catch((failure: unknown) => {
  announce(status, "");
  showError(error, errorMessage(failure));
});
