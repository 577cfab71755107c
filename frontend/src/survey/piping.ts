/**
 * `${question}` in a label or a hint (XLSForm piping): replaced by the answer given so far, as
 * the respondent reads it (the label of a chosen code, numbers in French), or left empty.
 */

import { choicesOf, type Definition, type FlatQuestion, type Json } from "./rules";

const REFERENCE = /\$\{([a-z][a-z0-9_]{0,62})\}/g;

export function hasPiping(text: string | null | undefined): boolean {
  return typeof text === "string" && text.includes("${");
}

function shown(definition: Definition, flat: FlatQuestion | undefined, value: Json | undefined): string {
  if (value === undefined || value === null || value === "") return "";
  if (flat?.question?.choices !== undefined || flat?.type === "yes_no") {
    const labels = new Map(choicesOf(definition, flat.question!).map((choice) => [choice.code, choice.label]));
    const codes = Array.isArray(value) ? value : [value];
    return codes.map((code) => labels.get(String(code)) ?? String(code)).join(", ");
  }
  if (typeof value === "number") return new Intl.NumberFormat("fr-FR").format(value);
  return typeof value === "object" ? "" : String(value);
}

/** The text with each reference replaced by the answer it names. */
export function pipe(text: string, definition: Definition, flats: readonly FlatQuestion[], values: Readonly<Record<string, Json>>): string {
  const byKey = new Map(flats.map((flat) => [flat.key, flat]));
  return text.replace(REFERENCE, (_match, key: string) => shown(definition, byKey.get(key), values[key]));
}
