/** How fiches, values, differences and snippets are shown (text only, never parsed as HTML). */

import { el } from "../dom";
import { formatDate } from "../format";
import type { Change, Content, HistoryEntry, MatchedLabel, Segment, SimilarUseCase, UseCasePublic, UseCaseSummary, Vocabularies } from "./api";
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
  return el("p", { className: "card__text catalogue-snippet" }, marked(segments));
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

function marked(segments: readonly Segment[]): (HTMLElement | string)[] {
  return segments.map((segment) => (segment.match ? el("mark", { text: segment.text }) : segment.text));
}

/**
 * `text` with the query's words marked, when the snippet was cut from it (the API cuts it from
 * the summary or the title and marks "… " and " …" where it cut); null when it was not.
 */
function markedWhole(text: string, snippet: readonly Segment[]): Segment[] | null {
  const inner = snippet.filter((segment, index) => segment.match || !((index === 0 && segment.text === "… ") || (index === snippet.length - 1 && segment.text === " …")));
  const excerpt = inner.map((segment) => segment.text).join("");
  const at = excerpt ? text.indexOf(excerpt) : -1;
  if (at < 0) return null;
  return [{ text: text.slice(0, at), match: false }, ...inner, { text: text.slice(at + excerpt.length), match: false }].filter((segment) => segment.text);
}

/**
 * A result card: title (a link to the fiche), porteur, theme, summary. The words found are
 * marked where they are, in the title or the summary, which are each shown once.
 */
export function resultCard(item: UseCaseSummary, vocabularies: Vocabularies | null): HTMLElement {
  const snippet = item.snippet && item.snippet.some((s) => s.match) ? item.snippet : null;
  const inTitle = snippet ? markedWhole(item.title, snippet) : null;
  const inSummary = snippet && !inTitle ? markedWhole(item.summary, snippet) : null;
  const link = el("a", { attributes: { href: `fiche.html?id=${item.id}` } }, inTitle ? marked(inTitle) : [item.title]);
  const technology = item.ai_technology && vocabularies ? codeLabel(vocabularies, "ai_technology", item.ai_technology) : "";
  return el("article", { className: "card" }, [
    el("h3", { className: inTitle ? "card__title catalogue-snippet" : "card__title" }, [link]),
    el("dl", { className: "facts" }, [
      ...(item.local_authority_name ? detail("Collectivité", item.local_authority_name) : []),
      ...(item.theme ? detail("Thème", item.theme) : []),
      ...(technology ? detail("Technologie", technology) : []),
      ...(item.published_at ? detail("Publié le", formatDate(item.published_at)) : []),
    ]),
    inSummary ? snippetParagraph(inSummary) : el("p", { className: "card__text", text: item.summary }),
    snippet && !inTitle && !inSummary ? snippetParagraph(snippet) : null,
    item.matched && item.matched.length ? matchedList(item.matched) : null,
    item.is_demo ? el("p", { className: "catalogue-badge", text: "Fiche de démonstration" }) : null,
  ]);
}

/** Territory codes (SIREN or INSEE) and the names a reader knows them by. */
export type TerritoryNames = ReadonlyMap<string, string>;

/** The names of the fiche's porteur and partners, as the API gives them next to their codes. */
export function territoryNames(useCase: Pick<UseCasePublic, "local_authority_code" | "local_authority_name" | "partners">): TerritoryNames {
  const names = new Map(useCase.partners.map((partner) => [partner.code, partner.name]));
  if (useCase.local_authority_code && useCase.local_authority_name) names.set(useCase.local_authority_code, useCase.local_authority_name);
  return names;
}

function territoryText(names: TerritoryNames, value: unknown): string {
  const codes = (Array.isArray(value) ? value : [value]).filter((code): code is string => typeof code === "string" && code !== "");
  return codes.map((code) => names.get(code) ?? code).join(", ");
}

const TERRITORY_FIELDS: ReadonlySet<string> = new Set(BLOCKS.flatMap((block) => block.fields.filter((f) => f.kind === "territory" || f.kind === "territories").map((f) => f.name)));
/** Shown as the page's heading and lead paragraph, above the blocks. */
const SHOWN_ABOVE: ReadonlySet<string> = new Set(["title", "summary"]);

/** A value as `valueText` shows it, a territory by its name where `names` knows it. */
function shownValue(vocabularies: Vocabularies, names: TerritoryNames, field: string, value: unknown): string {
  return TERRITORY_FIELDS.has(field) ? territoryText(names, value) : valueText(vocabularies, field, value);
}

function fieldRows(vocabularies: Vocabularies, fields: readonly FieldSpec[], content: Content, names: TerritoryNames): HTMLElement[] {
  return fields.flatMap((field) => {
    if (SHOWN_ABOVE.has(field.name)) return [];
    const text = shownValue(vocabularies, names, field.name, content[field.name]);
    return text ? detail(field.label, text) : [];
  });
}

/**
 * The fiche's content, block by block (empty fields left out, and the title and summary that
 * the page shows above); the porteur and partners by their names where `names` knows them.
 */
export function ficheSections(vocabularies: Vocabularies, content: Content, names: TerritoryNames, heading: "h2" | "h3" = "h2"): HTMLElement[] {
  return BLOCKS.map((block) => {
    const rows = fieldRows(vocabularies, block.fields, content, names);
    if (rows.length === 0) return null;
    return el("section", { className: "catalogue-block", attributes: { "aria-labelledby": `bloc-${block.id}` } }, [
      el(heading, { text: block.title, attributes: { id: `bloc-${block.id}` } }),
      el("dl", { className: "catalogue-fields" }, rows),
    ]);
  }).filter((section): section is HTMLElement => section !== null);
}

/** A table of field-level differences. */
export function changesTable(vocabularies: Vocabularies, changes: readonly Change[], caption: string, names: TerritoryNames = new Map()): HTMLElement {
  if (changes.length === 0) return el("p", { text: "Aucune différence." });
  return el("div", { className: "catalogue-table" }, [
    el("table", { className: "catalogue-changes" }, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, [el("th", { text: "Champ", attributes: { scope: "col" } }), el("th", { text: "Avant", attributes: { scope: "col" } }), el("th", { text: "Après", attributes: { scope: "col" } })])]),
      el(
        "tbody",
        {},
        changes.map((change) =>
          el("tr", {}, [
            el("th", { text: fieldLabel(change.field), attributes: { scope: "row" } }),
            el("td", { className: "catalogue-before", text: shownValue(vocabularies, names, change.field, change.before) || "—" }),
            el("td", { className: "catalogue-after", text: shownValue(vocabularies, names, change.field, change.after) || "—" }),
          ]),
        ),
      ),
    ]),
  ]);
}

export function historyList(vocabularies: Vocabularies, entries: readonly HistoryEntry[], names: TerritoryNames): HTMLElement {
  return el(
    "ol",
    { className: "catalogue-history" },
    entries.map((entry) =>
      el("li", {}, [
        el("h3", { text: `Version ${entry.version} — ${EVENT_LABELS[entry.event] ?? entry.event} le ${formatDate(entry.at)}` }),
        entry.note ? el("p", { text: entry.note }) : null,
        entry.event === "published" ? changesTable(vocabularies, entry.changes, `Changements de la version ${entry.version}`, names) : null,
      ]),
    ),
  );
}
