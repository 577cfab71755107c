/**
 * The rules of answers, as the server applies them (services/survey/expressions and rules.py):
 * the expression language of relevance and constraints, the check of each value, which
 * questions are relevant and how far a response has come.
 *
 * This module imports nothing, so the vectors test (tests/survey/test_vectors.py) can run it
 * in Node against services/survey/expressions/vectors.json, the cases both sides must agree on.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Expression = { readonly op: string; readonly args: readonly Json[] };
export type Org = Readonly<Record<string, Json>>;
export type Answers = Readonly<Record<string, Json | undefined>>;

export interface Choice {
  readonly code: string;
  readonly label: string;
  readonly exclusive?: boolean;
  readonly properties?: Readonly<Record<string, string>>;
}

export interface Question {
  readonly kind: "question";
  readonly key: string;
  readonly type: string;
  readonly label: string;
  readonly hint?: string | null;
  readonly required?: boolean;
  readonly relevant?: Expression | null;
  readonly constraint?: Expression | null;
  readonly constraint_message?: string | null;
  readonly required_message?: string | null;
  readonly guidance_hint?: string | null;
  readonly default?: string | null;
  readonly choice_filter?: Expression | null;
  readonly choices?: string;
  readonly other?: { readonly code: string; readonly key: string } | null;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly unit?: string | null;
  readonly dont_know?: boolean;
  readonly max_length?: number;
  readonly rows?: readonly { readonly code: string; readonly label: string }[];
  readonly min_label?: string | null;
  readonly max_label?: string | null;
}

export interface Note {
  readonly kind: "note";
  readonly key: string;
  readonly label: string;
  readonly hint?: string | null;
  readonly relevant?: Expression | null;
}

export interface Section {
  readonly kind: "section";
  readonly key: string;
  readonly label: string;
  readonly description?: string | null;
  readonly relevant?: Expression | null;
  readonly items: readonly (Question | Note)[];
}

export interface Definition {
  readonly key: string;
  readonly version: string;
  readonly title: string;
  readonly description?: string | null;
  readonly choice_lists: Readonly<Record<string, readonly Choice[]>>;
  readonly items: readonly (Section | Note | Question)[];
  readonly default_language?: string | null;
  readonly translations?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface FlatQuestion {
  readonly key: string;
  readonly type: string;
  readonly label: string;
  /** Null for the free text of an "Autre, précisez" option. */
  readonly question: Question | null;
  readonly relevant: readonly Expression[];
  readonly required: boolean;
  readonly parent: string | null;
}

export const DONT_KNOW = "nsp";
export const YES_NO_CHOICES: readonly Choice[] = [
  { code: "oui", label: "Oui" },
  { code: "non", label: "Non" },
  { code: DONT_KNOW, label: "Ne sait pas" },
];
const MAX_ABS_NUMBER = 1e15;
const OTHER_TEXT_MAX = 500;

// --- expressions ----------------------------------------------------------------------------

function isNumber(value: Json | undefined): value is number {
  return typeof value === "number";
}

function scalarEqual(left: Json | undefined, right: Json | undefined): boolean {
  const a = left === undefined ? null : left;
  const b = right === undefined ? null : right;
  if (typeof a === "object" && a !== null) return false;
  if (typeof b === "object" && b !== null) return false;
  return typeof a === typeof b && a === b;
}

export function isAnswered(value: Json | undefined): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function codes(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

function operand(arg: Json, answers: Answers, org: Org): Json | undefined {
  if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) {
    if ("var" in arg) return answers[String(arg["var"])] ?? null;
    return org[String(arg["org"])] ?? null;
  }
  return arg;
}

/** The truth of a (server-checked) expression for these answers and this local authority. */
export function evaluate(tree: Expression, answers: Answers, org: Org): boolean {
  const { op, args } = tree;
  if (op === "and") return args.every((arg) => evaluate(arg as unknown as Expression, answers, org));
  if (op === "or") return args.some((arg) => evaluate(arg as unknown as Expression, answers, org));
  if (op === "not") return !evaluate(args[0] as unknown as Expression, answers, org);
  const values = args.map((arg) => operand(arg, answers, org));
  if (op === "answered") return isAnswered(values[0]);
  const [left, right] = values;
  switch (op) {
    case "eq":
      return scalarEqual(left, right);
    case "neq":
      return !scalarEqual(left, right);
    case "lt":
    case "lte":
    case "gt":
    case "gte": {
      const comparable =
        (isNumber(left) && isNumber(right)) || (typeof left === "string" && typeof right === "string");
      if (!comparable) return false;
      const a = left as number | string;
      const b = right as number | string;
      return op === "lt" ? a < b : op === "lte" ? a <= b : op === "gt" ? a > b : a >= b;
    }
    case "in":
      return codes(right).some((item) => scalarEqual(left, item));
    case "includes":
      return codes(left).some((item) => scalarEqual(item, right));
    case "includes_any":
      return codes(left).some((a) => codes(right).some((b) => scalarEqual(a, b)));
    case "includes_all":
      return codes(right).every((b) => codes(left).some((a) => scalarEqual(a, b)));
    case "count_gte":
    case "count_lte": {
      if (!isNumber(right)) return false;
      const count = codes(left).length;
      return op === "count_gte" ? count >= right : count <= right;
    }
    default:
      return false;
  }
}

// --- the questionnaire in order -------------------------------------------------------------

/** Questions in the order they are shown (notes left out), "other" texts included. */
export function flatten(definition: Definition): FlatQuestion[] {
  const flat: FlatQuestion[] = [];
  const walk = (items: readonly (Section | Note | Question)[], conditions: readonly Expression[]): void => {
    for (const item of items) {
      const own = item.relevant ? [...conditions, item.relevant] : conditions;
      if (item.kind === "section") {
        walk(item.items, own);
      } else if (item.kind === "question") {
        flat.push({ key: item.key, type: item.type, label: item.label, question: item, relevant: own, required: item.required ?? false, parent: null });
        if (item.other) {
          const op = item.type === "select_one" ? "eq" : "includes";
          const when: Expression = { op, args: [{ var: item.key }, item.other.code] };
          flat.push({ key: item.other.key, type: "text", label: `${item.label} (autre, précisez)`, question: null, relevant: [...own, when], required: false, parent: item.key });
        }
      }
    }
  };
  walk(definition.items, []);
  return flat;
}

export function choicesOf(definition: Definition, question: Question): Choice[] {
  const list = question.type === "yes_no" ? [...YES_NO_CHOICES] : [...(definition.choice_lists[question.choices ?? ""] ?? [])];
  if (question.other && !list.some((choice) => choice.code === question.other?.code)) {
    list.push({ code: question.other.code, label: "Autre, précisez" });
  }
  return list;
}

// --- values ---------------------------------------------------------------------------------

function isInt(value: Json | undefined): value is number {
  return typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= MAX_ABS_NUMBER;
}

function isFiniteNumber(value: Json | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_ABS_NUMBER;
}

function validDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value && value >= "0001-01-01";
}

/** The code of what is wrong with `value` for this question (null: acceptable). */
export function valueError(definition: Definition, flat: FlatQuestion, value: Json | undefined): string | null {
  if (value === undefined || value === null) return null;
  const question = flat.question;
  if (question === null || flat.type === "text" || flat.type === "textarea") {
    const limit = question?.max_length ?? OTHER_TEXT_MAX;
    if (typeof value !== "string" || value.includes("\u0000")) return "type";
    return [...value].length > limit ? "length" : null;
  }
  const allowed = choicesOf(definition, question).map((choice) => choice.code);
  switch (flat.type) {
    case "select_one":
    case "yes_no":
      if (typeof value !== "string") return "type";
      return allowed.includes(value) ? null : "choice";
    case "select_multiple":
      return multipleError(definition, question, allowed, value);
    case "integer":
    case "decimal":
    case "scale":
      return numberError(question, flat.type, value);
    case "matrix": {
      if (typeof value !== "object" || Array.isArray(value)) return "type";
      const rows = new Set((question.rows ?? []).map((row) => row.code));
      for (const [row, code] of Object.entries(value)) {
        if (!rows.has(row) || typeof code !== "string") return "type";
        if (!allowed.includes(code)) return "choice";
      }
      return null;
    }
    case "date":
      return typeof value === "string" && validDate(value) ? null : "type";
    default:
      return null;
  }
}

function multipleError(definition: Definition, question: Question, allowed: string[], value: Json): string | null {
  if (!Array.isArray(value) || !value.every((code) => typeof code === "string")) return "type";
  const ticked = value as string[];
  if (new Set(ticked).size !== ticked.length) return "type";
  if (ticked.some((code) => !allowed.includes(code))) return "choice";
  const exclusive = new Set((definition.choice_lists[question.choices ?? ""] ?? []).filter((c) => c.exclusive).map((c) => c.code));
  const tickedExclusive = ticked.some((code) => exclusive.has(code));
  if (ticked.length > 1 && tickedExclusive) return "exclusive";
  if (question.min != null && ticked.length < question.min && !tickedExclusive) return "count_min";
  if (question.max != null && ticked.length > question.max) return "count_max";
  return null;
}

function numberError(question: Question, type: string, value: Json): string | null {
  if (value === DONT_KNOW && question.dont_know) return null;
  if (type === "scale") {
    if (!isInt(value)) return "type";
    return value < 1 ? "min" : value > 5 ? "max" : null;
  }
  if (!(type === "integer" ? isInt(value) : isFiniteNumber(value))) return "type";
  const number = value as number;
  if (question.min != null && number < question.min) return "min";
  if (question.max != null && number > question.max) return "max";
  return null;
}

const MESSAGES: Readonly<Record<string, string>> = {
  type: "La valeur n'a pas le type attendu.",
  choice: "Ce code ne fait pas partie des choix proposés.",
  exclusive: "Cette option ne peut pas être cochée avec une autre.",
  count_min: "Cochez au moins {min} option(s).",
  count_max: "Cochez au plus {max} option(s).",
  min: "La valeur doit être au moins {min}.",
  max: "La valeur doit être au plus {max}.",
  length: "Le texte dépasse {max_length} caractères.",
  constraint: "La réponse ne respecte pas la règle de la question.",
  filtered: "Ce choix n'est pas proposé avec vos réponses précédentes.",
  required: "Cette question est obligatoire.",
};
/** What a "type" error says, by question type (EXPECTED in services/survey/rules.py). */
const EXPECTED: Readonly<Record<string, string>> = {
  integer: "Indiquez un nombre entier, par exemple 12.",
  decimal: "Indiquez un nombre, par exemple 12 ou 12,5.",
  date: "Indiquez une date, par exemple 15/03/2026.",
  select_one: "Choisissez une des options proposées.",
  yes_no: "Choisissez une des options proposées.",
  scale: "Choisissez une valeur de 1 à 5.",
  select_multiple: "Cochez une ou plusieurs des options proposées.",
  matrix: "Choisissez une option par ligne.",
  text: "Indiquez un texte.",
  textarea: "Indiquez un texte.",
};

export function messageFor(flat: FlatQuestion, code: string): string {
  const question = flat.question;
  if (code === "constraint" && question?.constraint_message) return question.constraint_message;
  if (code === "required" && question?.required_message) return question.required_message;
  const expected = EXPECTED[flat.type];
  if (code === "type" && expected) return expected;
  const values: Record<string, string> = {
    min: String(question?.min ?? 1),
    max: String(question?.max ?? 5),
    max_length: String(question?.max_length ?? OTHER_TEXT_MAX),
  };
  return (MESSAGES[code] ?? code).replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? name);
}

// --- relevance and progress -----------------------------------------------------------------

/** The answers that count (relevant and answered) and the keys of relevant questions. */
export function relevantAnswers(flats: readonly FlatQuestion[], answers: Answers, org: Org): { kept: Record<string, Json>; relevant: Set<string> } {
  const kept: Record<string, Json> = {};
  const relevant = new Set<string>();
  for (const flat of flats) {
    if (flat.relevant.every((condition) => evaluate(condition, kept, org))) {
      relevant.add(flat.key);
      const value = answers[flat.key];
      if (value !== undefined && isAnswered(value)) kept[flat.key] = value;
    }
  }
  return { kept, relevant };
}

/** What is wrong with the answer to `flat` (null: nothing), as the server would say. */
export function checkAnswer(definition: Definition, flat: FlatQuestion, answers: Answers, org: Org, complete = false): string | null {
  const value = answers[flat.key];
  const { kept } = relevantAnswers(flatten(definition), answers, org);
  let code = valueError(definition, flat, value);
  const constraint = flat.question?.constraint;
  if (code === null && isAnswered(value) && value !== DONT_KNOW && constraint && !evaluate(constraint, { ...kept, [flat.key]: value ?? null }, org)) {
    code = "constraint";
  }
  if (code === null && complete && flat.required && !isAnswered(value)) code = "required";
  return code;
}
