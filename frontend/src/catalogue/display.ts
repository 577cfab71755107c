/** How fiches, values, differences and snippets are shown (text only, never parsed as HTML). */

import { el } from "../dom";
import { formatDate } from "../format";
import type { Change, Content, HistoryEntry, MatchedLabel, Segment, SimilarUseCase, UseCaseSummary, Vocabularies } from "./api";
import { BLOCKS, EVENT_LABELS, fieldLabel, type FieldSpec } from "./fields";

export function codeLabel(vocabularies: Vocabularies, vocabulary: string, code: string): string {
  return vocabularies.vocabularies[vocabulary]?.find((item) => item.code === code)?.label ?? code;
}

const VOCABULARY_OF: Readonly<Record<string, string>> = Object.fromEntries(
  BLOCKS.flatMap((block) => block.fields.filter((f) => f.vocabulary).map((f) => [f.name, f.vocabulary ?? ""])),
);

/** A value of the fiche as French text ("" when empty). */
export function valueText(vocabularies: Vocabularies, field: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "boolean") return value ? "Oui" : "Non";
  if (Array.isArray(value)) return value.map((item) => valueText(vocabularies, field, item)).join(", ");
  const vocabulary = VOCABULARY_OF[field];
  if (vocabulary && typeof value === "string") return codeLabel(vocabularies, vocabulary, value);
  return String(value);
}

export function snippetParagraph(segments: readonly Segment[]): HTMLElement {
  return el(
    "p",
    { className: "card__text catalogue-snippet" },
    segments.map((segment) => (segment.match ? el("mark", { text: segment.text }) : segment.text)),
  );
}

function detail(term: string, value: string): HTMLElement[] {
  return [el("dt", { text: term }), el("dd", { text: value })];
}

/** Where the query matched a label: "Trouvé dans — Domaine : Déchets et propreté". */
export function matchedList(matched: readonly MatchedLabel[]): HTMLElement {
  return el("p", { className: "card__meta catalogue-matched" }, [
    "Trouvé dans : ",
    ...matched.flatMap((m, index) => [index ? " ; " : "", `${m.field} : `, el("mark", { text: m.label })]),
  ]);
}

/** A similar fiche: its card, then what it shares with the fiche read. */
export function similarCard(similar: SimilarUseCase, vocabularies: Vocabularies | null): HTMLElement {
  const card = resultCard({ ...similar.use_case, snippet: null, matched: null }, vocabularies);
  const reasons = [
    ...similar.shared_codes.map((code) => `${code.field} : ${code.label}`),
    ...(similar.shared_words.length ? [`mots en commun : ${similar.shared_words.join(", ")}`] : []),
  ];
  card.append(el("p", { className: "card__meta", text: `En commun : ${reasons.join(" ; ")}.` }));
  if (similar.same_authority) card.append(el("p", { className: "card__meta", text: "Même collectivité." }));
  return card;
}

/** A result card: title (a link to the fiche), porteur, theme, summary, snippet. */
export function resultCard(item: UseCaseSummary, vocabularies: Vocabularies | null): HTMLElement {
  const link = el("a", { text: item.title, attributes: { href: `fiche.html?id=${item.id}` } });
  const technology = item.ai_technology && vocabularies ? codeLabel(vocabularies, "ai_technology", item.ai_technology) : "";
  return el("article", { className: "card" }, [
    el("h3", { className: "card__title" }, [link]),
    el("dl", { className: "facts" }, [
      ...(item.local_authority_name ? detail("Collectivité", item.local_authority_name) : []),
      ...(item.theme ? detail("Thème", item.theme) : []),
      ...(technology ? detail("Technologie", technology) : []),
      ...(item.published_at ? detail("Publié le", formatDate(item.published_at)) : []),
    ]),
    el("p", { className: "card__text", text: item.summary }),
    item.snippet && item.snippet.some((s) => s.match) ? snippetParagraph(item.snippet) : null,
    item.matched && item.matched.length ? matchedList(item.matched) : null,
    item.is_demo ? el("p", { className: "catalogue-badge", text: "Fiche de démonstration" }) : null,
  ]);
}

function fieldRows(vocabularies: Vocabularies, fields: readonly FieldSpec[], content: Content): HTMLElement[] {
  return fields.flatMap((field) => {
    const text = valueText(vocabularies, field.name, content[field.name]);
    return text ? detail(field.label, text) : [];
  });
}

/** The fiche's content, block by block (empty fields left out). */
export function ficheSections(vocabularies: Vocabularies, content: Content, porteur: string, heading: "h2" | "h3" = "h2"): HTMLElement[] {
  return BLOCKS.map((block) => {
    const rows = fieldRows(vocabularies, block.fields, content);
    if (block.id === "porteur" && porteur) rows.unshift(...detail("Collectivité", porteur));
    if (rows.length === 0) return null;
    return el("section", { className: "catalogue-block", attributes: { "aria-labelledby": `bloc-${block.id}` } }, [
      el(heading, { text: block.title, attributes: { id: `bloc-${block.id}` } }),
      el("dl", { className: "catalogue-fields" }, rows),
    ]);
  }).filter((section): section is HTMLElement => section !== null);
}

/** A table of field-level differences. */
export function changesTable(vocabularies: Vocabularies, changes: readonly Change[], caption: string): HTMLElement {
  if (changes.length === 0) return el("p", { text: "Aucune différence." });
  return el("div", { className: "catalogue-table" }, [
    el("table", {}, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, [el("th", { text: "Champ", attributes: { scope: "col" } }), el("th", { text: "Avant", attributes: { scope: "col" } }), el("th", { text: "Après", attributes: { scope: "col" } })])]),
      el(
        "tbody",
        {},
        changes.map((change) =>
          el("tr", {}, [
            el("th", { text: fieldLabel(change.field), attributes: { scope: "row" } }),
            el("td", { className: "catalogue-before", text: valueText(vocabularies, change.field, change.before) || "—" }),
            el("td", { className: "catalogue-after", text: valueText(vocabularies, change.field, change.after) || "—" }),
          ]),
        ),
      ),
    ]),
  ]);
}

export function historyList(vocabularies: Vocabularies, entries: readonly HistoryEntry[]): HTMLElement {
  return el(
    "ol",
    { className: "catalogue-history" },
    entries.map((entry) =>
      el("li", {}, [
        el("h3", { text: `Version ${entry.version} — ${EVENT_LABELS[entry.event] ?? entry.event} le ${formatDate(entry.at)}` }),
        entry.note ? el("p", { text: entry.note }) : null,
        entry.event === "published" ? changesTable(vocabularies, entry.changes, `Changements de la version ${entry.version}`) : null,
      ]),
    ),
  );
}
