/**
 * `choice_filter` (cascading selects), as services/survey/choice_filter.py applies it: in the
 * filter, `{"choice": column}` reads the choice being tested (`name`: its code, `label`: its
 * label, any other column: one of its properties).
 */

import { evaluate, type Answers, type Choice, type Expression, type Json, type Org } from "./rules";

function column(choice: Choice, name: string): string {
  if (name === "name") return choice.code;
  if (name === "label") return choice.label;
  return choice.properties?.[name] ?? "";
}

function substitute(tree: Json, choice: Choice): Json {
  if (Array.isArray(tree)) return tree.map((item) => substitute(item, choice));
  if (tree !== null && typeof tree === "object") {
    const keys = Object.keys(tree);
    if (keys.length === 1 && keys[0] === "choice") return column(choice, String(tree["choice"]));
    return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, substitute(value, choice)]));
  }
  return tree;
}

/** Whether a question with this filter offers the choice, given the answers so far. */
export function offered(filter: Expression | null | undefined, choice: Choice, answers: Answers, org: Org): boolean {
  if (!filter) return true;
  return evaluate(substitute(filter as unknown as Json, choice) as unknown as Expression, answers, org);
}
