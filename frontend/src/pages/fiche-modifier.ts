/** Editing through the private link: the token lives in the address's fragment, never sent to a server log. */

import "../catalogue/catalogue.css";
import { fragmentToken, namesNothing, showWrongAddress, type WayBack } from "../address";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { FieldErrors, getVocabularies, send, type UseCasePrivate, type Vocabularies } from "../catalogue/api";
import { ifMatchHeaders, privateLinkHeaders } from "../headers";
import { fieldLabel, STATUS_LABELS } from "../catalogue/fields";
import { ficheSections, territoryNames } from "../catalogue/display";
import { buildFicheForm } from "../catalogue/form";

const status = byId("modifier-etat", HTMLElement);
const message = byId("modifier-message", HTMLElement);
const error = byId("modifier-erreur", HTMLElement);
const form = byId("modifier", HTMLFormElement);
const steps = byId("modifier-etapes", HTMLElement);
const stepStatus = byId("modifier-etape", HTMLElement);
const submit = byId("modifier-envoyer", HTMLButtonElement);
const preview = byId("modifier-apercu", HTMLAnchorElement);
const friaLink = byId("modifier-fria", HTMLAnchorElement);
const draftSection = byId("brouillon", HTMLElement);
const draftContent = byId("brouillon-contenu", HTMLElement);
const aiAct = byId("modifier-ia", HTMLElement);
const aiActState = byId("modifier-ia-etat", HTMLElement);

const token = fragmentToken();
const LIBRARY: WayBack = { href: "catalogue.html", text: "Aller à la bibliothèque d'IA territorialisées" };

function describe(useCase: UseCasePrivate): string {
  const state = STATUS_LABELS[useCase.status] ?? useCase.status;
  const pending = useCase.pending_review ? " Vos derniers changements attendent la relecture." : "";
  const missing = useCase.publication_errors.length
    ? ` Pour publier, il manque : ${useCase.publication_errors.map((e) => fieldLabel(String(e.loc[e.loc.length - 1]))).join(", ")}.`
    : "";
  return `« ${useCase.title} » — ${state} (version ${useCase.version}).${pending}${missing}`;
}

function showMessage(useCase: UseCasePrivate): void {
  message.hidden = !useCase.moderation_message;
  message.replaceChildren(...(useCase.moderation_message ? [el("p", { text: `Message de la modération : ${useCase.moderation_message}` })] : []));
  preview.hidden = useCase.status !== "published" && useCase.status !== "archived";
  preview.href = `fiche.html?id=${useCase.id}`;
  // The FRIA page opens with the same link: the token stays in the fragment.
  friaLink.href = `fria.html?id=${useCase.id}#${encodeURIComponent(token)}`;
  friaLink.hidden = false;
}

/** Where the draft's AI Act class comes from, and the way to the questionnaire. */
function showAiAct(useCase: UseCasePrivate): void {
  const source = useCase.draft_ai_act;
  const state = source.label ? `Classe ${source.label}.` : "Classe non renseignée.";
  const again = source.requalify ? ` À requalifier : les règles sont passées en v${source.current_rules_version}.` : "";
  aiActState.textContent = state + again;
  byId("modifier-qualifier", HTMLAnchorElement).href = `qualification.html#${encodeURIComponent(token)}`;
  aiAct.hidden = false;
}

function showDraft(vocabularies: Vocabularies, useCase: UseCasePrivate): void {
  draftContent.replaceChildren(
    el("p", { className: "lead", text: String(useCase.draft["title"] ?? useCase.title) }),
    el("p", { text: String(useCase.draft["summary"] ?? "") }),
    ...ficheSections(vocabularies, useCase.draft, territoryNames(useCase), "h3"),
  );
  draftSection.hidden = false;
}

async function start(): Promise<void> {
  const [vocabularies, loaded] = await Promise.all([getVocabularies(), send<UseCasePrivate>("GET", "/edit-link", undefined, privateLinkHeaders(token))]);
  let useCase = loaded;
  announce(status, describe(useCase));
  showMessage(useCase);
  showAiAct(useCase);
  showDraft(vocabularies, useCase);
  const fiche = buildFicheForm(steps, vocabularies, useCase.draft, stepStatus);
  form.hidden = false;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void save();
  });

  async function save(): Promise<void> {
    fiche.clearErrors(error);
    submit.disabled = true;
    try {
      useCase = await send<UseCasePrivate>("PATCH", `/use-cases/${useCase.id}`, fiche.values(), { ...privateLinkHeaders(token), ...ifMatchHeaders(useCase.version) });
      announce(status, `Modifications enregistrées. ${describe(useCase)}`);
      showMessage(useCase);
      showAiAct(useCase);
      showDraft(vocabularies, useCase);
    } catch (failure) {
      if (failure instanceof FieldErrors && failure.errors.length > 0) {
        fiche.showErrors(failure.errors, error);
      } else {
        showError(error, errorMessage(failure));
      }
      error.focus();
    } finally {
      submit.disabled = false;
    }
  }
}

if (!token) {
  showWrongAddress("Lien incomplet", "Ce lien de modification est incomplet : ouvrez en entier le lien reçu par courriel, qui se termine par « # » suivi d'une longue suite de caractères.", LIBRARY);
} else {
  start().catch((failure: unknown) => {
    announce(status, "");
    if (namesNothing(failure)) showWrongAddress("Lien non valable", `${errorMessage(failure)} Ouvrez en entier le lien reçu par courriel ; s'il ne fonctionne plus, proposez la fiche à nouveau depuis la bibliothèque.`, LIBRARY);
    else showError(error, errorMessage(failure));
  });
}
