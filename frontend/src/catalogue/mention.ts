/**
 * The explicit mention of a fiche that founds individual decisions (CRPA L311-3-1), ready to
 * paste into a decision, and what the authority communicates on request (R311-3-1-2).
 */

import { requestJson } from "../api";
import { el } from "../dom";

export interface MentionView {
  readonly mention: string;
  readonly mention_provision: string;
  readonly on_request: readonly { point: string; label: string; provision: string; text: string | null; per_request: string | null; missing: readonly string[] }[];
  readonly reserve: string;
  readonly missing: readonly { label: string }[];
  readonly sources: readonly { ref: string; url?: string }[];
}

export async function getMention(id: number): Promise<MentionView> {
  return (await requestJson("catalogue", `/use-cases/${id}/mention-explicite`)) as MentionView;
}

/** The mention, the information on request and the sources, as the fiche page shows them. */
export function mentionContent(view: MentionView): Node[] {
  const items = view.on_request.map((item) =>
    el("li", {}, [
      el("p", { text: `${item.point} ${item.label} (${item.provision})` }),
      el("p", { text: item.text ?? "Non renseigné dans la fiche." }),
      item.per_request ? el("p", { className: "hint", text: item.per_request }) : null,
      item.missing.length ? el("p", { className: "hint", text: `À compléter dans la fiche : ${item.missing.join(", ")}.` }) : null,
    ]),
  );
  const nodes: (HTMLElement | null)[] = [
    el("h3", { text: `Texte à reprendre dans chaque décision (${view.mention_provision})` }),
    el("blockquote", { text: view.mention }),
    el("h3", { text: "Informations communiquées à la personne qui le demande (CRPA, art. R. 311-3-1-2)" }),
    el("ol", {}, items),
    el("p", { className: "hint", text: view.reserve }),
    view.missing.length ? el("p", { text: `La fiche ne dit pas encore : ${view.missing.map((m) => m.label).join(" ; ")}.` }) : null,
    el("h3", { text: "Textes" }),
    el("ul", {}, view.sources.map((s) => el("li", {}, [s.url ? el("a", { text: s.ref, attributes: { href: s.url, rel: "noopener" } }) : s.ref]))),
  ];
  return nodes.filter((node): node is HTMLElement => node !== null);
}
