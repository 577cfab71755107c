/** The AI Act rule set, its outcomes and a fiche's qualification, as the catalogue API sends them. */

import { requestJson } from "../api";
import { send } from "./api";

export type Answer = string | readonly string[];
export type Answers = Record<string, Answer>;

export interface Provision {
  readonly ref: string;
}

export interface RuleOption {
  readonly code: string;
  readonly label: string;
  readonly tags?: readonly string[];
  readonly provision?: Provision;
}

export interface Question {
  readonly id: string;
  readonly text: string;
  readonly help?: string;
  readonly kind: "one" | "many";
  readonly provision: Provision;
  readonly options: readonly RuleOption[];
}

export interface RuleDate {
  readonly date: string;
  readonly label: string;
  readonly source: string;
}

export interface RuleSet {
  readonly version: string;
  readonly source: { readonly text: string; readonly url?: string; readonly consolidated?: string; readonly notes?: readonly string[] };
  readonly dates: Readonly<Record<string, RuleDate>>;
  readonly questions: readonly Question[];
  readonly obligations?: readonly { readonly id: string; readonly title: string; readonly text: string; readonly provision: Provision; readonly from: string }[];
}

export interface Obligation {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly provision: string;
  readonly applies_from: string;
  readonly date_label: string;
  readonly date_source: string;
}

export interface TrailStep {
  readonly question: string;
  readonly text: string;
  readonly answer: Answer;
  readonly labels: readonly string[];
  readonly provision: string;
}

export interface Outcome {
  readonly rules_version: string;
  readonly complete: boolean;
  readonly ai_act_class: string | null;
  readonly class_provision: string | null;
  readonly role: string | null;
  readonly tags: readonly string[];
  readonly obligations: readonly Obligation[];
  readonly next_question: string | null;
  readonly unanswered: readonly string[];
  readonly trail: readonly TrailStep[];
}

export interface AiActSource {
  readonly source: "qualification" | "declaration" | null;
  readonly label: string | null;
  readonly rules_version: string | null;
  readonly current_rules_version: string;
  readonly requalify: boolean;
}

export interface Qualification {
  readonly use_case_id: number;
  readonly title: string;
  readonly version: number;
  readonly answers: Answers;
  readonly rules_version: string | null;
  readonly qualified_at: string | null;
  readonly outcome: Outcome | null;
  readonly draft: AiActSource;
}

let rules: Promise<RuleSet> | undefined;

export function getRules(): Promise<RuleSet> {
  rules ??= requestJson("catalogue", "/ai-act/rules").then((body) => body as RuleSet);
  return rules;
}

/** Where answers lead under the current rules, without saving anything. */
export function qualify(answers: Answers): Promise<Outcome> {
  return send<Outcome>("POST", "/ai-act/qualify", { answers });
}

/** The answers saved before that the current rules still offer (the rules may have changed since). */
export function stillOffered(ruleSet: RuleSet, answers: Answers): Answers {
  const kept: Answers = {};
  for (const [id, answer] of Object.entries(answers)) {
    const question = ruleSet.questions.find((q) => q.id === id);
    if (!question) continue;
    const codes = new Set(question.options.map((o) => o.code));
    const chosen = typeof answer === "string" ? [answer] : answer;
    if ((question.kind === "one") !== (typeof answer === "string")) continue;
    if (chosen.every((code) => codes.has(code))) kept[id] = answer;
  }
  return kept;
}
