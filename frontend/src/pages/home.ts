/** Home page: a glimpse of live data from each of the three services. */

import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { campaignStatusLabel, count, formatPeriod } from "../format";
import { listCampaigns, listEvents, listUseCases } from "../resources";

interface Preview {
  /** Sentence for the live region, e.g. "12 cas d'usage publiés." */
  readonly summary: string;
  /** A few items, as short lines. */
  readonly lines: readonly string[];
}

/** Fills the preview block `id`: a live summary, a short list, or a French error. */
async function showPreview(id: string, load: () => Promise<Preview>): Promise<void> {
  const status = byId(`${id}-etat`, HTMLElement);
  const list = byId(`${id}-liste`, HTMLElement);
  const error = byId(`${id}-erreur`, HTMLElement);
  showError(error, "");
  announce(status, "Chargement…");
  list.replaceChildren();
  try {
    const preview = await load();
    announce(status, preview.summary);
    list.replaceChildren(...preview.lines.map((line) => el("li", { text: line })));
  } catch (failure) {
    announce(status, "");
    showError(error, errorMessage(failure), () => void showPreview(id, load));
  }
}

void showPreview("apercu-catalogue", async () => {
  const page = await listUseCases({ limit: 3, offset: 0 });
  return {
    summary: `${count(page.total, "cas d'usage publié", "cas d'usage publiés")} dans la bibliothèque.`,
    lines: page.items.map((useCase) =>
      useCase.localAuthorityName ? `${useCase.title} (${useCase.localAuthorityName})` : useCase.title,
    ),
  };
});

void showPreview("apercu-observatoire", async () => {
  const page = await listCampaigns({ limit: 100, offset: 0 });
  const open = page.items.filter((campaign) => campaign.status === "open").length;
  const openText = page.total <= page.items.length ? `, dont ${count(open, "ouverte", "ouvertes")}` : "";
  return {
    summary: `${count(page.total, "campagne d'observation", "campagnes d'observation")}${openText}.`,
    lines: page.items
      .slice(0, 3)
      .map((campaign) =>
        campaign.status ? `${campaign.title} : ${campaignStatusLabel(campaign.status).toLowerCase()}` : campaign.title,
      ),
  };
});

void showPreview("apercu-auditions", async () => {
  const page = await listEvents({ limit: 3, offset: 0 });
  return {
    summary: `${count(page.total, "session d'auditions publiée", "sessions d'auditions publiées")}.`,
    lines: page.items.map((event) => {
      const when = formatPeriod(event.startsOn, event.endsOn);
      const where = event.location ? `, ${event.location}` : "";
      return `${event.title}${when ? ` : ${when}` : ""}${where}`;
    }),
  };
});
