/** The moderators' queue: each proposal or update with its differences, and the decisions. */

import "../catalogue/catalogue.css";
import { errorMessage } from "../api";
import { loadConfig } from "../config";
import { baseUrl } from "../api";
import { announce, byId, el, showError } from "../dom";
import { count } from "../format";
import { loadToken } from "../session";
import { FieldErrors, getVocabularies, send, type UseCasePrivate, type Vocabularies } from "../catalogue/api";
import { bearerHeaders, ifMatchHeaders } from "../headers";
import { changesTable, territoryNames } from "../catalogue/display";
import { fieldLabel, STATUS_LABELS } from "../catalogue/fields";

const status = byId("moderation-etat", HTMLElement);
const error = byId("moderation-erreur", HTMLElement);
const signIn = byId("moderation-connexion", HTMLElement);
const queue = byId("file", HTMLElement);
const importSection = byId("import", HTMLElement);
const importForm = byId("import-formulaire", HTMLFormElement);
const importFile = byId("import-fichier", HTMLInputElement);
const importReport = byId("import-rapport", HTMLElement);

const token = loadToken();

interface QueuePage {
  readonly items: readonly UseCasePrivate[];
  readonly total: number;
}

function item(useCase: UseCasePrivate, vocabularies: Vocabularies): HTMLElement {
  const headingId = `fiche-${useCase.id}-titre`;
  const message = el("textarea", { attributes: { id: `message-${useCase.id}`, rows: "3" } });
  const feedback = el("p", { attributes: { role: "status" } });
  async function decide(action: string, body: unknown): Promise<void> {
    showError(error, "");
    try {
      await send("POST", `/use-cases/${useCase.id}/${action}`, body, { ...bearerHeaders(token ?? ""), ...ifMatchHeaders(useCase.version) });
      await load(`La fiche « ${useCase.title} » est traitée.`);
    } catch (failure) {
      const details = failure instanceof FieldErrors && failure.errors.length ? ` (${failure.errors.map((e) => fieldLabel(String(e.loc[e.loc.length - 1]))).join(", ")})` : "";
      feedback.textContent = `${errorMessage(failure)}${details}`;
    }
  }
  function button(label: string, action: string, needsMessage: boolean): HTMLButtonElement {
    const b = el("button", { className: needsMessage ? "button button--secondary" : "button", text: label, attributes: { type: "button" } });
    b.addEventListener("click", () => {
      const text = message.value.trim();
      if (needsMessage && text.length < 3) {
        feedback.textContent = "Écrivez d'abord un message au contributeur.";
        message.focus();
        return;
      }
      void decide(action, text ? { message: text } : undefined);
    });
    return b;
  }
  const isUpdate = useCase.pending_review;
  return el("li", { className: "card catalogue-queue__item" }, [
    el("article", { attributes: { "aria-labelledby": headingId } }, [
      el("h2", { text: useCase.draft["title"] ? String(useCase.draft["title"]) : useCase.title, attributes: { id: headingId } }),
      el("p", { text: `${isUpdate ? "Mise à jour d'une fiche publiée" : STATUS_LABELS[useCase.status] ?? useCase.status} — ${useCase.local_authority_name ?? "collectivité non indiquée"} — version ${useCase.version}` }),
      useCase.publication_errors.length
        ? el("p", { className: "catalogue-field-error", text: `Incomplète : ${useCase.publication_errors.map((e) => fieldLabel(String(e.loc[e.loc.length - 1]))).join(", ")}.` })
        : null,
      changesTable(vocabularies, useCase.changes, isUpdate ? "Différences avec la version publiée" : "Contenu proposé", territoryNames(useCase)),
      el("p", {}, [el("a", { text: "Aperçu de la fiche", attributes: { href: `fiche.html?id=${useCase.id}&apercu=1` } })]),
      el("label", { text: "Message au contributeur (pour demander des modifications ou refuser)", attributes: { for: message.id } }),
      message,
      el("div", { className: "catalogue-actions" }, [
        button("Publier", "publish", false),
        button("Demander des modifications", "request-changes", true),
        button("Refuser", "reject", true),
      ]),
      feedback,
    ]),
  ]);
}

async function load(done = ""): Promise<void> {
  const [vocabularies, page] = await Promise.all([
    getVocabularies(),
    send<QueuePage>("GET", "/moderation/use-cases?limit=100", undefined, bearerHeaders(token ?? "")),
  ]);
  queue.replaceChildren(...page.items.map((useCase) => item(useCase, vocabularies)));
  announce(status, `${done} ${page.total === 0 ? "Aucune fiche n'attend de relecture." : `${count(page.total, "fiche attend", "fiches attendent")} une relecture.`}`.trim());
}

importForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void (async () => {
    const file = importFile.files?.[0];
    if (!file) return;
    const data = new FormData();
    data.append("file", file);
    const url = baseUrl(await loadConfig(), "catalogue") + "/imports/use-cases";
    const response = await fetch(url, { method: "POST", body: data, headers: bearerHeaders(token ?? "") });
    const body = (await response.json()) as { detail?: string; imported?: number; rejected?: { row: number; errors: { field: string; msg: string }[] }[] };
    if (response.ok) {
      importReport.replaceChildren(el("p", { text: `${count(body.imported ?? 0, "fiche importée", "fiches importées")} et publiée(s).` }));
    } else {
      importReport.replaceChildren(
        el("p", { text: body.detail ?? "Import refusé." }),
        el("ul", {}, (body.rejected ?? []).map((row) => el("li", { text: `Ligne ${row.row} : ${row.errors.map((e) => `${fieldLabel(e.field)} — ${e.msg}`).join(" ; ")}` }))),
      );
    }
  })().catch((failure: unknown) => showError(error, errorMessage(failure)));
});

if (!token) {
  announce(status, "");
  signIn.hidden = false;
} else {
  importSection.hidden = false;
  load().catch((failure: unknown) => {
    announce(status, "");
    showError(error, errorMessage(failure));
  });
}
