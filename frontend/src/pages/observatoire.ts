import { count } from "../format";
import { startListPage } from "../list-page";
import { campaignCard } from "../render";
import { listCampaigns } from "../resources";

startListPage({
  pageSize: 20,
  load: ({ limit, offset }) => listCampaigns({ limit, offset }),
  renderItem: (campaign) => campaignCard(campaign),
  describe: (total) => `${count(total, "campagne d'observation", "campagnes d'observation")}.`,
  empty: () => "Aucune campagne d'observation n'est encore annoncée.",
});
