/** One fiche: its blocks, provenance and public history (with a print stylesheet). */

import "../catalogue/catalogue.css";
import { namesNothing, showWrongAddress, type WayBack } from "../address";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { formatDate } from "../format";
import { loadToken } from "../session";
import { getHistory, getSimilar, getUseCase, getVocabularies, send, type UseCasePrivate, type UseCasePublic } from "../catalogue/api";
import { bearerHeaders, ifMatchHeaders } from "../headers";
import { changesTable, ficheSections, historyList, similarCard, territoryNames } from "../catalogue/display";
import { STATUS_LABELS } from "../catalogue/fields";
import { getMention, mentionContent } from "../catalogue/mention";
import { offerFeed } from "../catalogue/feeds";

const title = byId("fiche-titre", HTMLElement);
const status = byId("fiche-etat", HTMLElement);
const error = byId("fiche-erreur", HTMLElement);
const previewNotice = byId("fiche-apercu", HTMLElement);
const article = byId("fiche", HTMLElement);
const summary = byId("fiche-resume", HTMLElement);
const provenance = byId("fiche-provenance", HTMLElement);
const blocks = byId("fiche-blocs", HTMLElement);
const history = byId("historique-contenu", HTMLElement);
const historySection = byId("historique", HTMLElement);
const historyFeed = byId("historique-flux", HTMLAnchorElement);
const similarSection = byId("similaires", HTMLElement);
const similarList = byId("similaires-liste", HTMLElement);
const mentionSection = byId("mention", HTMLElement);
const mention = byId("mention-contenu", HTMLElement);

const qualifyLink = byId("fiche-qualifier", HTMLAnchorElement);
const moderation = byId("fiche-moderation", HTMLElement);
const moderationNote = byId("fiche-moderation-note", HTMLTextAreaElement);
const moderationStatus = byId("fiche-moderation-etat", HTMLElement);

byId("fiche-imprimer", HTMLButtonElement).addEventListener("click", () => window.print());

/** Retract or archive, for a signed-in moderator (the API checks the role). */
function offerModeration(useCase: UseCasePublic, token: string): void {
  if (useCase.status !== "published") return;
  moderation.hidden = false;
  const decide = (action: string, done: string): void => {
    const note = moderationNote.value.trim();
    send("POST", `/use-cases/${useCase.id}/${action}`, note ? { message: note } : undefined, { ...bearerHeaders(token), ...ifMatchHeaders(useCase.version) })
      .then(() => {
        moderationStatus.textContent = done;
      })
      .catch((failure: unknown) => {
        moderationStatus.textContent = errorMessage(failure);
      });
  };
  byId("fiche-depublier", HTMLButtonElement).addEventListener("click", () => decide("retract", "La fiche est dépubliée."));
  byId("fiche-archiver", HTMLButtonElement).addEventListener("click", () => decide("archive", "La fiche est archivée."));
}

const params = new URLSearchParams(window.location.search);
/** A fiche by its number (`?id=12`) or by its slug (`?slug=depots-sauvages-paris`, or `?id=…`). */
const key = (params.get("id") ?? params.get("slug") ?? "").trim();
const preview = params.get("apercu") === "1";
const LIBRARY: WayBack = { href: "catalogue.html", text: "Chercher une fiche dans la bibliothèque" };

/** "qualifiée (règles v…)" or "déclarée par le contributeur", the rules linked, and whether to requalify. */
function aiActSource(useCase: UseCasePublic): HTMLElement {
  const source = useCase.ai_act;
  return el("span", {}, [
    `${source.label ?? ""} — `,
    el("a", { text: `règles de qualification v${source.current_rules_version}`, attributes: { href: "qualification.html" } }),
    source.requalify ? " " : null,
    source.requalify ? el("strong", { className: "catalogue-badge", text: "À requalifier" }) : null,
  ]);
}

function detail(term: string, value: HTMLElement | string): HTMLElement[] {
  return [el("dt", { text: term }), el("dd", {}, [value])];
}

async function start(): Promise<void> {
  const vocabularies = await getVocabularies();
  let useCase: UseCasePublic;
  let content;
  const token = loadToken();
  if (preview && token && /^[1-9][0-9]*$/.test(key)) {
    const draft = await send<UseCasePrivate>("GET", `/moderation/use-cases/${key}`, undefined, bearerHeaders(token));
    useCase = draft;
    content = draft.draft;
    previewNotice.hidden = false;
    previewNotice.replaceChildren(
      el("p", { text: `Aperçu pour la modération : ${STATUS_LABELS[draft.status] ?? draft.status}. Le contenu montré est le brouillon.` }),
      changesTable(vocabularies, draft.changes, "Différences avec la version publiée", territoryNames(draft)),
    );
  } else {
    useCase = await getUseCase(key);
    content = useCase.content;
    if (token) {
      offerModeration(useCase, token);
      qualifyLink.href = `qualification.html?id=${useCase.id}`;
      qualifyLink.hidden = false;
    }
  }
  document.title = `${String(content["title"] ?? useCase.title)} — Bibliothèque d'IA territorialisées`;
  title.textContent = String(content["title"] ?? useCase.title);
  summary.textContent = String(content["summary"] ?? "");
  const porteur = useCase.local_authority_code
    ? el("a", { text: useCase.local_authority_name ?? useCase.local_authority_code, attributes: { href: `collectivite.html?code=${encodeURIComponent(useCase.local_authority_code)}${useCase.local_authority_kind === "region" ? "&type=region" : ""}` } })
    : "";
  provenance.replaceChildren(
    ...(porteur ? detail("Collectivité", porteur) : []),
    ...(useCase.siren ? detail("SIREN", useCase.siren) : []),
    ...(useCase.insee_code ? detail("Code INSEE", useCase.insee_code) : []),
    ...detail("Statut de la fiche", STATUS_LABELS[useCase.status] ?? useCase.status),
    ...(useCase.published_at ? detail("Publiée le", formatDate(useCase.published_at)) : []),
    ...detail("Mise à jour le", formatDate(useCase.updated_at)),
    ...detail("Déclarée par", useCase.declared_by === "demo" ? "Données de démonstration" : useCase.declared_by === "import" ? "Import par l'équipe" : "Un agent de la collectivité, relu par la modération"),
    ...detail("Complétude", `${useCase.completeness} %`),
    ...(useCase.ai_act.label ? detail("Règlement IA", aiActSource(useCase)) : []),
    ...(useCase.partners.length ? detail("Partenaires", useCase.partners.map((p) => p.name).join(", ")) : []),
  );
  blocks.replaceChildren(...ficheSections(vocabularies, content, territoryNames(useCase)));
  article.hidden = false;
  if (preview) {
    historySection.hidden = true;
  } else {
    void offerFeed(historyFeed, `/use-cases/${String(useCase.id)}/history.atom`, `Changements de « ${String(content["title"] ?? useCase.title)} » (Atom)`);
    history.replaceChildren(historyList(vocabularies, await getHistory(useCase.id), territoryNames(useCase)));
    // Similar fiches are a help, not the page: a failure leaves the section hidden.
    const similar = await getSimilar(useCase.id).catch(() => []);
    similarList.replaceChildren(...similar.map((item) => el("li", {}, [similarCard(item, vocabularies)])));
    similarSection.hidden = similar.length === 0;
    if (useCase.individual_decisions === true) {
      // The mention helps the authority: a failure leaves the section hidden.
      const found = await getMention(useCase.id).catch(() => null);
      mention.replaceChildren(...(found ? mentionContent(found) : []));
      mentionSection.hidden = found === null;
    }
  }
  announce(status, useCase.is_demo ? "Fiche de démonstration : elle illustre la bibliothèque et ne décrit pas un projet réel." : "");
}

// A number, or a slug (lowercase letters, digits and hyphens), as the API reads them.
if (!/^(?:[1-9][0-9]{0,9}|[a-z0-9-]*[a-z-][a-z0-9-]*)$/.test(key)) {
  showWrongAddress("Adresse incomplète", "Cette adresse n'indique pas de fiche : elle se termine par « ?id= » suivi du numéro de la fiche.", LIBRARY);
} else {
  start().catch((failure: unknown) => {
    announce(status, "");
    if (namesNothing(failure)) showWrongAddress("Fiche introuvable", errorMessage(failure), LIBRARY);
    else showError(error, errorMessage(failure));
  });
}
