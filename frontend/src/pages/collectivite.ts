/** A local authority's page: its published fiches and its CRPA L312-1-3 inventory. */

import "../catalogue/catalogue.css";
import { namesNothing, showWrongAddress, type WayBack } from "../address";
import { errorMessage, requestJson } from "../api";
import { announce, byId, el, showError } from "../dom";
import { count } from "../format";
import { getVocabularies, searchUseCases } from "../catalogue/api";
import { codeLabel, resultCard } from "../catalogue/display";

const name = byId("collectivite-nom", HTMLElement);
const status = byId("collectivite-etat", HTMLElement);
const error = byId("collectivite-erreur", HTMLElement);
const facts = byId("collectivite-faits", HTMLElement);
const list = byId("collectivite-fiches", HTMLElement);
const inventory = byId("collectivite-inventaire", HTMLElement);

const params = new URLSearchParams(window.location.search);
const code = (params.get("code") ?? "").trim();
const kind = params.get("type") === "region" ? "region" : undefined;
const LIBRARY: WayBack = { href: "catalogue.html", text: "Chercher une collectivité dans la bibliothèque" };

interface Territory {
  readonly name: string;
  readonly kind: string;
  readonly siren: string | null;
  readonly insee_code: string | null;
  readonly population: number | null;
}

function detail(term: string, value: string): HTMLElement[] {
  return [el("dt", { text: term }), el("dd", { text: value })];
}

async function start(): Promise<void> {
  const path = `/territories/${encodeURIComponent(code)}${kind ? "?kind=region" : ""}`;
  const [territory, vocabularies] = await Promise.all([requestJson("catalogue", path) as Promise<Territory>, getVocabularies()]);
  // A two-digit code names a département and a région: the kind tells them apart.
  const page = await searchUseCases({ local_authority_code: code, local_authority_kind: territory.kind, limit: 100, tri: "nom" });
  document.title = `${territory.name} — Bibliothèque d'IA territorialisées`;
  name.textContent = territory.name;
  facts.replaceChildren(
    ...detail("Type", codeLabel(vocabularies, "local_authority_kind", territory.kind)),
    ...(territory.siren ? detail("SIREN", territory.siren) : []),
    ...(territory.insee_code ? detail("Code INSEE", territory.insee_code) : []),
    ...(territory.population ? detail("Population", territory.population.toLocaleString("fr-FR")) : []),
  );
  list.replaceChildren(...page.items.map((item) => el("li", {}, [resultCard(item, vocabularies)])));
  const decisions = page.items.filter((item) => item.individual_decisions === true);
  if (decisions.length === 0) {
    inventory.replaceChildren(el("p", { text: "Aucun traitement fondant des décisions individuelles n'est déclaré dans la bibliothèque." }));
  } else {
    inventory.replaceChildren(
      el("div", { className: "catalogue-table" }, [
        el("table", {}, [
          el("caption", { text: `Inventaire de ${territory.name}` }),
          el("thead", {}, [el("tr", {}, ["Traitement", "Domaine", "Technologie", "Statut", "Règles (CRPA L311-3-1)"].map((h) => el("th", { text: h, attributes: { scope: "col" } })))]),
          el(
            "tbody",
            {},
            decisions.map((item) =>
              el("tr", {}, [
                el("th", { attributes: { scope: "row" } }, [el("a", { text: item.title, attributes: { href: `fiche.html?id=${item.id}` } })]),
                el("td", { text: item.theme }),
                el("td", { text: item.ai_technology ? codeLabel(vocabularies, "ai_technology", item.ai_technology) : "" }),
                el("td", { text: item.project_status ? codeLabel(vocabularies, "project_status", item.project_status) : "" }),
                el("td", {}, [el("a", { text: "Mention explicite et règles", attributes: { href: `fiche.html?id=${item.id}#mention` } })]),
              ]),
            ),
          ),
        ]),
      ]),
    );
  }
  announce(status, `${count(page.total, "cas d'usage publié", "cas d'usage publiés")}, dont ${count(decisions.length, "traitement", "traitements")} fondant des décisions individuelles.`);
}

if (!/^[0-9AB]{2,9}$/.test(code)) {
  showWrongAddress("Adresse incomplète", "Cette adresse n'indique pas de collectivité : elle se termine par « ?code= » suivi de son SIREN ou de son code INSEE.", LIBRARY);
} else {
  start().catch((failure: unknown) => {
    announce(status, "");
    if (namesNothing(failure)) showWrongAddress("Collectivité introuvable", errorMessage(failure), LIBRARY);
    else showError(error, errorMessage(failure));
  });
}
