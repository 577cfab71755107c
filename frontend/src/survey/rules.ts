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

/** A value computed from earlier answers (XLSForm `calculate`): never shown as a question. */
export interface Calculate {
  readonly kind: "calculate";
  readonly key: string;
  readonly calculation: Json;
  readonly label?: string | null;
  readonly relevant?: Expression | null;
}

export interface Section {
  readonly kind: "section";
  readonly key: string;
  readonly label: string;
  readonly description?: string | null;
  readonly relevant?: Expression | null;
  readonly items: readonly (Question | Note | Calculate)[];
}

export interface Definition {
  readonly key: string;
  readonly version: string;
  readonly title: string;
  readonly description?: string | null;
  readonly choice_lists: Readonly<Record<string, readonly Choice[]>>;
  readonly items: readonly (Section | Note | Calculate | Question)[];
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
  /** The expression of a calculation (type "calculate"). */
  readonly calculation?: Json;
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
// XPath 1.0 as ODK/JavaRosa applies it, as services/survey/expressions (coercion.py, evaluate.py)
// does: a value is a string, a number, a boolean, a list (a multiple choice, which ODK holds as
// one space-separated string) or an object (a matrix); an absent answer is the empty string.

/** What an expression yields. */
export type Value = string | number | boolean | Json[] | { [key: string]: Json };

const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const XPATH_SPACE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const DAY_MS = 86_400_000;

/** The days since 1970-01-01 of an ISO date, null when `text` is not one. */
function daysOf(text: string): number | null {
  if (!ISO_DATE.test(text) || !validDate(text)) return null;
  return Date.parse(`${text}T00:00:00Z`) / DAY_MS;
}

/** XPath number(): a trimmed decimal string, an ISO date as days, true 1, false 0; else NaN. */
export function toNumber(value: Value): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  const text = toText(value).replace(XPATH_SPACE, "");
  if (NUMBER_TEXT.test(text)) return Number(text);
  return daysOf(text) ?? Number.NaN;
}

/** Digits and exponent of the shortest text of a number, written without the exponent. */
function plain(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = "", exponent] = match;
  const digits = `${whole}${fraction}`;
  const point = whole!.length + Number(exponent);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`.replace(/0+$/, "");
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** XPath string() of a number: no exponent, no trailing ".0", NaN and Infinity spelt out. */
export function formatNumber(number: number): string {
  if (Number.isNaN(number)) return "NaN";
  if (!Number.isFinite(number)) return number > 0 ? "Infinity" : "-Infinity";
  if (number === 0) return "0";
  return plain(String(number));
}

/** XPath string(): a multiple choice as ODK holds it, codes joined by spaces. */
export function toText(value: Value | null | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((item) => toText(item as Value)).join(" ");
  // The string-value of a group: its children's values, concatenated, in key order.
  return Object.keys(value).sort(byCodePoint).map((key) => toText(value[key] as Value)).join("");
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** XPath boolean(): a number other than 0 and NaN, a non-empty string (or choice). */
export function toBoolean(value: Value): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return !(value === 0 || Number.isNaN(value));
  return toText(value) !== "";
}

/** XPath `=`: as booleans if a side is one, else as numbers if a side is one, else as strings. */
function equal(left: Value, right: Value): boolean {
  if (typeof left === "boolean" || typeof right === "boolean") return toBoolean(left) === toBoolean(right);
  if (typeof left === "number" || typeof right === "number") return toNumber(left) === toNumber(right);
  return toText(left) === toText(right);
}

function notEqual(left: Value, right: Value): boolean {
  if (typeof left === "boolean" || typeof right === "boolean") return toBoolean(left) !== toBoolean(right);
  if (typeof left === "number" || typeof right === "number") return toNumber(left) !== toNumber(right);
  return toText(left) !== toText(right);
}

export function isAnswered(value: Json | undefined): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** The codes a value selects, as ODK's selected() reads them: the space-separated words. */
function codesOf(value: Value): string[] {
  if (Array.isArray(value)) return value.map((item) => toText(item as Value));
  return toText(value).split(/[ \t\r\n]+/).filter((code) => code !== "");
}

function stored(value: Json | undefined): Value {
  return value === undefined || value === null ? "" : value;
}

/** a / b as IEEE 754 and XPath say (JavaScript already does). */
function quotient(a: number, b: number): number {
  return a / b;
}

function truncate(value: Value): number {
  const number = toNumber(value);
  // The sign stays, as in JavaRosa (and Python): int(-0.5) is -0, 1 div int(-0.5) -Infinity.
  return Number.isFinite(number) ? Math.trunc(number) : number;
}

/** XPath round(): the nearest integer, halves towards +∞; ODK's places are decimals kept. */
function round(value: Value, places: Value = 0): number {
  const number = toNumber(value);
  const scale = 10 ** truncate(places);
  const scaled = number * scale + 0.5;
  return quotient(Number.isFinite(scaled) ? Math.floor(scaled) : scaled, scale);
}

function modulo(left: Value, right: Value): number {
  // XPath mod keeps the sign of the dividend: JavaScript's %.
  return toNumber(left) % toNumber(right);
}

type Context = { readonly answers: Answers; readonly org: Org; readonly today: string };

/** The local date as ISO (YYYY-MM-DD): what today() is in the browser. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${String(now.getFullYear()).padStart(4, "0")}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const OPERATIONS: Readonly<Record<string, (...values: Value[]) => Value>> = {
  not: (value) => !toBoolean(value!),
  answered: (value) => isAnswered(value as Json),
  eq: (a, b) => equal(a!, b!),
  neq: (a, b) => notEqual(a!, b!),
  // Relational operators are numeric: NaN is never ordered; an ISO date is its days.
  lt: (a, b) => toNumber(a!) < toNumber(b!),
  lte: (a, b) => toNumber(a!) <= toNumber(b!),
  gt: (a, b) => toNumber(a!) > toNumber(b!),
  gte: (a, b) => toNumber(a!) >= toNumber(b!),
  in: (a, b) => Array.isArray(b) && b.some((item) => equal(a!, item as Value)),
  includes: (a, b) => codesOf(a!).includes(toText(b)),
  selected: (a, b) => codesOf(a!).includes(toText(b)),
  includes_any: (a, b) => (Array.isArray(b) ? b.map((x) => toText(x as Value)) : codesOf(b!)).some((code) => codesOf(a!).includes(code)),
  includes_all: (a, b) => (Array.isArray(b) ? b.map((x) => toText(x as Value)) : codesOf(b!)).every((code) => codesOf(a!).includes(code)),
  count_gte: (a, b) => codesOf(a!).length >= toNumber(b!),
  count_lte: (a, b) => codesOf(a!).length <= toNumber(b!),
  count_selected: (a) => codesOf(a!).length,
  add: (a, b) => toNumber(a!) + toNumber(b!),
  sub: (a, b) => toNumber(a!) - toNumber(b!),
  mul: (a, b) => toNumber(a!) * toNumber(b!),
  div: (a, b) => quotient(toNumber(a!), toNumber(b!)),
  mod: (a, b) => modulo(a!, b!),
  neg: (a) => -toNumber(a!),
  concat: (...values) => values.map((value) => toText(value)).join(""),
  number: (a) => toNumber(a!),
  int: (a) => truncate(a!),
  round: (a, places) => round(a!, places ?? 0),
  string_length: (a) => [...toText(a)].length,
  boolean: (a) => toBoolean(a!),
  string: (a) => toText(a),
  true: () => true,
  false: () => false,
};

function valueOf(tree: Json, context: Context): Value {
  if (tree === null) return "";
  if (typeof tree !== "object" || Array.isArray(tree)) return tree;
  if ("var" in tree) return stored(context.answers[String(tree["var"])]);
  if ("org" in tree) return stored(context.org[String(tree["org"])]);
  const op = String(tree["op"]);
  const args = (tree["args"] ?? []) as Json[];
  switch (op) {
    case "and":
      return args.every((arg) => toBoolean(valueOf(arg, context)));
    case "or":
      return args.some((arg) => toBoolean(valueOf(arg, context)));
    case "if":
      return valueOf(toBoolean(valueOf(args[0]!, context)) ? args[1]! : args[2]!, context);
    case "coalesce": {
      const first = valueOf(args[0]!, context);
      return toText(first) !== "" ? first : valueOf(args[1]!, context);
    }
    case "today":
      return context.today;
    default: {
      const operation = OPERATIONS[op];
      if (!operation) return false;
      return operation(...args.map((arg) => valueOf(arg, context)));
    }
  }
}

/** The value of a (server-checked) expression; today() is the local date unless `today` is given. */
export function evaluateValue(tree: Json | Expression, answers: Answers, org: Org, today?: string): Value {
  return valueOf(tree as Json, { answers, org, today: today ?? localToday() });
}

/** The truth of a (server-checked) expression: XPath boolean() of its value. */
export function evaluate(tree: Expression, answers: Answers, org: Org, today?: string): boolean {
  return toBoolean(evaluateValue(tree, answers, org, today));
}

// --- the questionnaire in order -------------------------------------------------------------

/** Questions in the order they are shown (notes left out), "other" texts included. */
export function flatten(definition: Definition): FlatQuestion[] {
  const flat: FlatQuestion[] = [];
  const walk = (items: readonly (Section | Note | Calculate | Question)[], conditions: readonly Expression[]): void => {
    for (const item of items) {
      const own = item.relevant ? [...conditions, item.relevant] : conditions;
      if (item.kind === "section") {
        walk(item.items, own);
      } else if (item.kind === "calculate") {
        flat.push({ key: item.key, type: "calculate", label: item.label ?? item.key, question: null, relevant: own, required: false, parent: null, calculation: item.calculation });
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
  if (flat.type === "calculate") return "calculated";
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
  calculated: "Cette valeur est calculée à partir des autres réponses : elle ne se saisit pas.",
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

/** A calculation's value as it is kept: a finite number, else its XPath string; "" is none. */
export function storedCalculation(value: Value): Json {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  const text = toText(value);
  return text === "" ? null : text;
}

/**
 * The answers that count (relevant and answered) and the keys of relevant questions. A
 * calculation is computed from the answers kept before it, whatever was stored under its key.
 */
export function relevantAnswers(flats: readonly FlatQuestion[], answers: Answers, org: Org, today?: string): { kept: Record<string, Json>; relevant: Set<string> } {
  const kept: Record<string, Json> = {};
  const relevant = new Set<string>();
  for (const flat of flats) {
    if (flat.relevant.every((condition) => evaluate(condition, kept, org, today))) {
      relevant.add(flat.key);
      const value = flat.type === "calculate" ? storedCalculation(evaluateValue(flat.calculation ?? null, kept, org, today)) : answers[flat.key];
      if (value !== undefined && isAnswered(value)) kept[flat.key] = value;
    }
  }
  return { kept, relevant };
}

/** How many relevant questions there are and how many are answered (calculations are none). */
export function progress(flats: readonly FlatQuestion[], answers: Answers, org: Org): { answered: number; relevant: number } {
  const { kept, relevant } = relevantAnswers(flats, answers, org);
  const calculated = new Set(flats.filter((flat) => flat.type === "calculate").map((flat) => flat.key));
  return {
    answered: Object.keys(kept).filter((key) => !calculated.has(key)).length,
    relevant: [...relevant].filter((key) => !calculated.has(key)).length,
  };
}

/** What is wrong with the answer to `flat` (null: nothing), as the server would say. */
export function checkAnswer(definition: Definition, flat: FlatQuestion, answers: Answers, org: Org, complete = false): string | null {
  // A calculation's value is the server's own (stored at submission): nothing to judge.
  if (flat.type === "calculate") return null;
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
