/** The proposal form: several steps, the draft kept in this browser, errors field by field. */

import "../catalogue/catalogue.css";
import { errorMessage } from "../api";
import { byId, showError } from "../dom";
import { FieldErrors, getVocabularies, send, type Content, type UseCasePrivate } from "../catalogue/api";
import { buildFicheForm } from "../catalogue/form";
import { mountProofOfWork, type ProofOfWork } from "../proof-of-work";

const DRAFT_KEY = "iat.catalogue.proposition";

const form = byId("proposition", HTMLFormElement);
const email = byId("courriel", HTMLInputElement);
const emailError = byId("courriel-erreur", HTMLElement);
const steps = byId("proposition-etapes", HTMLElement);
const stepStatus = byId("proposition-etape", HTMLElement);
const error = byId("proposition-erreur", HTMLElement);
const submit = byId("proposition-envoyer", HTMLButtonElement);
const done = byId("proposition-envoyee", HTMLElement);
const doneText = byId("proposition-envoyee-texte", HTMLElement);
const verification = byId("proposition-verification", HTMLElement);

function loadDraft(): Content {
  try {
    const raw = window.localStorage.getItem(DRAFT_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return typeof parsed === "object" && parsed !== null ? (parsed as Content) : {};
  } catch {
    return {};
  }
}

function saveDraft(values: Content): void {
  try {
    window.localStorage.setItem(DRAFT_KEY, JSON.stringify(values));
  } catch {
    // Storage disabled: the form still works, without a kept draft.
  }
}

async function start(): Promise<void> {
  const vocabularies = await getVocabularies();
  const draft = loadDraft();
  // What was typed while the vocabularies loaded wins over the kept draft.
  if (!email.value && typeof draft["submitter_email"] === "string") email.value = draft["submitter_email"];
  const fiche = buildFicheForm(steps, vocabularies, draft, stepStatus);
  const proof: ProofOfWork = await mountProofOfWork(verification, "catalogue");
  const keep = (): void => saveDraft({ ...fiche.values(), submitter_email: email.value });
  fiche.onChange(keep);
  email.addEventListener("input", keep);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void propose();
  });

  async function propose(): Promise<void> {
    fiche.clearErrors(error);
    emailError.textContent = "";
    email.removeAttribute("aria-invalid");
    submit.disabled = true;
    const values = Object.fromEntries(Object.entries(fiche.values()).filter(([, value]) => value !== null));
    let proven: Record<string, string>;
    try {
      proven = await proof.headers();
    } catch (failure) {
      showError(error, failure instanceof Error ? failure.message : errorMessage(failure));
      error.focus();
      submit.disabled = false;
      return;
    }
    try {
      const body = { ...values, submitter_email: email.value.trim() };
      const created = await send<UseCasePrivate>("POST", "/use-cases", body, proven);
      window.localStorage.removeItem(DRAFT_KEY);
      form.hidden = true;
      doneText.textContent = `« ${created.title} » est enregistrée. Un courriel vient d'être envoyé à ${email.value.trim()} avec votre lien personnel de modification ; il ouvre aussi le questionnaire « Qualifier au regard du règlement IA ».`;
      done.hidden = false;
      done.focus();
    } catch (failure) {
      if (failure instanceof FieldErrors && failure.errors.length > 0) {
        const emailProblem = failure.errors.find((e) => e.loc[1] === "submitter_email");
        if (emailProblem) {
          email.setAttribute("aria-invalid", "true");
          emailError.textContent = emailProblem.msg;
        }
        fiche.showErrors(failure.errors, error);
      } else {
        showError(error, errorMessage(failure));
      }
      error.focus();
    } finally {
      // A solution serves once: the next send solves a new challenge.
      proof.reset();
      submit.disabled = false;
    }
  }
}

start().catch((failure: unknown) => showError(error, errorMessage(failure)));
