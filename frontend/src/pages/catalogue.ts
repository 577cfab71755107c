import { count } from "../format";
import { startListPage } from "../list-page";
import { useCaseCard } from "../render";
import { listUseCases } from "../resources";

startListPage({
  pageSize: 10,
  load: (request) => listUseCases(request),
  renderItem: (useCase) => useCaseCard(useCase),
  describe: (total, q) =>
    q
      ? `${count(total, "cas d'usage trouvé", "cas d'usage trouvés")} pour « ${q} ».`
      : `${count(total, "cas d'usage publié", "cas d'usage publiés")}.`,
  empty: (q) =>
    q ? `Aucun cas d'usage ne correspond à « ${q} ».` : "Aucun cas d'usage n'est encore publié.",
});
