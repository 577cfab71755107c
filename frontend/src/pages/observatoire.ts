import { el } from "../dom";
import { count } from "../format";
import { startListPage } from "../list-page";
import { campaignCard } from "../render";
import { listCampaigns } from "../resources";

startListPage({
  pageSize: 20,
  load: ({ limit, offset }) => listCampaigns({ limit, offset }),
  renderItem: (campaign) => {
    const card = campaignCard(campaign);
    card.append(
      el("p", {}, [
        el("a", {
          text: `Participation et résultats : ${campaign.title}`,
          attributes: { href: `observatoire-campagne.html?campagne=${String(campaign.id)}` },
        }),
      ]),
    );
    return card;
  },
  describe: (total) => `${count(total, "campagne d'observation", "campagnes d'observation")}.`,
  empty: () => "Aucune campagne d'observation n'est encore annoncée.",
});
