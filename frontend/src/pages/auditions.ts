import { count } from "../format";
import { startListPage } from "../list-page";
import { eventCard } from "../render";
import { listEvents } from "../resources";

startListPage({
  pageSize: 20,
  load: ({ limit, offset }) => listEvents({ limit, offset }),
  renderItem: (event) => eventCard(event),
  describe: (total) => `${count(total, "session d'auditions", "sessions d'auditions")}.`,
  empty: () => "Aucune session d'auditions n'est encore publiée.",
});
