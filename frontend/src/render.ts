/** How each resource is shown, on the home page and on its own page. */

import { el } from "./dom";
import { campaignStatusLabel, formatDate, formatPeriod } from "./format";
import type { Campaign, HearingEvent, UseCase } from "./resources";

type HeadingLevel = "h2" | "h3" | "h4";

function detail(term: string, value: string): HTMLElement[] {
  return [el("dt", { text: term }), el("dd", { text: value })];
}

export function useCaseCard(useCase: UseCase, heading: HeadingLevel = "h3"): HTMLElement {
  const facts = el("dl", { className: "facts" }, [
    ...(useCase.localAuthorityName ? detail("Collectivité", useCase.localAuthorityName) : []),
    ...(useCase.theme ? detail("Thème", useCase.theme) : []),
    ...(useCase.publishedAt ? detail("Publié le", formatDate(useCase.publishedAt)) : []),
  ]);
  return el("article", { className: "card" }, [
    el(heading, { className: "card__title", text: useCase.title }),
    facts,
    useCase.summary ? el("p", { className: "card__text", text: useCase.summary }) : null,
  ]);
}

/** As the demo campaign's page says it (observatoire-campagne.html). */
const DEMO_CAMPAIGN = "Campagne de démonstration : ses réponses sont générées pour illustrer l'observatoire et ne décrivent aucune collectivité réelle.";

export function campaignCard(campaign: Campaign, heading: HeadingLevel = "h3"): HTMLElement {
  const period = formatPeriod(campaign.opensOn, campaign.closesOn);
  return el("article", { className: "card" }, [
    el(heading, { className: "card__title", text: campaign.title }),
    el("dl", { className: "facts" }, [
      ...(campaign.status ? detail("Statut", campaignStatusLabel(campaign.status)) : []),
      ...(period ? detail("Période", capitalize(period)) : []),
    ]),
    campaign.description ? el("p", { className: "card__text", text: campaign.description }) : null,
    campaign.isDemo ? el("p", { className: "notice", text: DEMO_CAMPAIGN }) : null,
  ]);
}


export function eventCard(event: HearingEvent, heading: HeadingLevel = "h3"): HTMLElement {
  const period = formatPeriod(event.startsOn, event.endsOn);
  return el("article", { className: "card" }, [
    el(heading, { className: "card__title", text: event.title }),
    el("dl", { className: "facts" }, [
      ...(period ? detail("Dates", capitalize(period)) : []),
      ...(event.location ? detail("Lieu", event.location) : []),
    ]),
    event.description ? el("p", { className: "card__text", text: event.description }) : null,
  ]);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
