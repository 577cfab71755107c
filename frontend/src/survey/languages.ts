/**
 * The languages of a questionnaire: its own texts are in `default_language`, the others in
 * `translations` by path (`item:<key>:label`, `choice:<list>:<code>`, `row:<key>:<code>`), as
 * the server keeps them (services/survey/definition.py). A text missing in a language stays in
 * the default one, as ODK Collect does.
 */

import type { Calculate, Choice, Definition, Note, Question, Section } from "./rules";

export const DEFAULT = "";

export interface Language {
  readonly value: string;
  readonly name: string;
  /** BCP 47 code read from "English (en)", for the `lang` attribute; null when unknown. */
  readonly code: string | null;
}

function codeOf(name: string): string | null {
  const match = /\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$/.exec(name);
  return match ? (match[1] ?? null) : null;
}

/** The languages to choose from, the questionnaire's own first; a single one means no choice. */
export function languagesOf(definition: Definition): Language[] {
  const own = definition.default_language ?? null;
  const languages: Language[] = [{ value: DEFAULT, name: own ?? "Langue d'origine", code: own ? codeOf(own) : "fr" }];
  for (const name of Object.keys(definition.translations ?? {})) languages.push({ value: name, name, code: codeOf(name) });
  return languages;
}

type Texts = Readonly<Record<string, string>>;
type Item = Section | Note | Calculate | Question;

function text(texts: Texts, path: string, fallback: string | null | undefined): string | null {
  return texts[path] ?? fallback ?? null;
}

function translateItem(item: Item, texts: Texts): Item {
  const path = (field: string): string => `item:${item.key}:${field}`;
  if (item.kind === "section") {
    return {
      ...item,
      label: text(texts, path("label"), item.label) ?? item.label,
      description: text(texts, path("description"), item.description),
      items: item.items.map((child) => translateItem(child, texts) as Question | Note | Calculate),
    };
  }
  if (item.kind === "calculate") return item;
  if (item.kind === "note") return { ...item, label: text(texts, path("label"), item.label) ?? item.label, hint: text(texts, path("hint"), item.hint) };
  const translated: Question = {
    ...item,
    label: text(texts, path("label"), item.label) ?? item.label,
    hint: text(texts, path("hint"), item.hint),
    guidance_hint: text(texts, path("guidance_hint"), item.guidance_hint),
    constraint_message: text(texts, path("constraint_message"), item.constraint_message),
    required_message: text(texts, path("required_message"), item.required_message),
    min_label: text(texts, path("min_label"), item.min_label),
    max_label: text(texts, path("max_label"), item.max_label),
  };
  if (!item.rows) return translated;
  return { ...translated, rows: item.rows.map((row) => ({ ...row, label: texts[`row:${item.key}:${row.code}`] ?? row.label })) };
}

/** The definition with its texts in `language` (DEFAULT: as written). */
export function translate(definition: Definition, language: string): Definition {
  const texts = definition.translations?.[language];
  if (language === DEFAULT || !texts) return definition;
  const lists: Record<string, Choice[]> = {};
  for (const [name, choices] of Object.entries(definition.choice_lists)) {
    lists[name] = choices.map((choice) => ({ ...choice, label: texts[`choice:${name}:${choice.code}`] ?? choice.label }));
  }
  return { ...definition, choice_lists: lists, items: definition.items.map((item) => translateItem(item, texts)) };
}
