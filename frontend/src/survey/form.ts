/**
 * The questionnaire as an accessible form: one block per question (fieldset and legend for
 * choices, label for fields, a real table with headers for matrices), and the functions that
 * read a question's value from its inputs and put a value back.
 */

import { el } from "../dom";
import { hasPiping } from "./piping";
import { choicesOf, DONT_KNOW, type Calculate, type Definition, type FlatQuestion, type Json, type Note, type Question, type Section } from "./rules";

export interface QuestionBlock {
  readonly flat: FlatQuestion;
  readonly wrapper: HTMLElement;
  readonly error: HTMLElement;
  readonly inputs: HTMLInputElement[];
  readonly field: HTMLInputElement | HTMLTextAreaElement | null;
  readonly dontKnow: HTMLInputElement | null;
}

let counter = 0;
function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Texts with `${question}` keep their template, for the page to fill in as answers come. */
function templated(text: string | null | undefined, attributes: Record<string, string> = {}): Record<string, string> {
  return hasPiping(text) ? { ...attributes, "data-template": text ?? "" } : attributes;
}

function describedBy(...ids: (string | null)[]): string {
  return ids.filter((id): id is string => id !== null).join(" ");
}

/** Builds the form's content; returns each question's block, by key. */
export function renderForm(definition: Definition, flats: readonly FlatQuestion[], container: HTMLElement): Map<string, QuestionBlock> {
  const blocks = new Map<string, QuestionBlock>();
  const byKey = new Map(flats.map((flat) => [flat.key, flat]));
  const renderItems = (items: readonly (Section | Note | Calculate | Question)[], parent: HTMLElement, level: "h2" | "h3"): void => {
    for (const item of items) {
      if (item.kind === "section") {
        const headingId = uid("titre");
        const section = el("section", { className: "survey-section", attributes: { id: `section-${item.key}`, "aria-labelledby": headingId, "data-section": item.key } }, [
          el(level, { text: item.label, attributes: templated(item.label, { id: headingId }) }),
          item.description ? el("p", { className: "hint", text: item.description, attributes: templated(item.description) }) : null,
        ]);
        parent.append(section);
        renderItems(item.items, section, "h3");
      } else if (item.kind === "note") {
        parent.append(
          el("div", { className: "survey-note", attributes: { "data-key": item.key } }, [
            el("p", { text: item.label, attributes: templated(item.label) }),
            item.hint ? el("p", { className: "hint", text: item.hint, attributes: templated(item.hint) }) : null,
          ]),
        );
      } else if (item.kind === "calculate") {
        // A calculation is computed from the answers (rules.ts), never asked: nothing to show.
        continue;
      } else {
        const flat = byKey.get(item.key);
        if (!flat) continue;
        const block = renderQuestion(definition, flat);
        blocks.set(item.key, block);
        parent.append(block.wrapper);
        if (item.other) {
          const otherFlat = byKey.get(item.other.key);
          if (otherFlat) {
            const other = renderQuestion(definition, otherFlat);
            blocks.set(otherFlat.key, other);
            block.wrapper.append(other.wrapper);
          }
        }
      }
    }
  };
  renderItems(definition.items, container, "h2");
  return blocks;
}

function renderQuestion(definition: Definition, flat: FlatQuestion): QuestionBlock {
  const question = flat.question;
  const errorId = uid("erreur");
  const error = el("p", { className: "survey-error", attributes: { id: errorId } });
  const hintId = question?.hint ? uid("aide") : null;
  const hint = question?.hint && hintId ? el("p", { className: "hint", text: question.hint, attributes: templated(question.hint, { id: hintId }) }) : null;
  const guidance = question?.guidance_hint
    ? el("details", { className: "survey-guidance" }, [el("summary", { text: "En savoir plus" }), el("p", { text: question.guidance_hint, attributes: templated(question.guidance_hint) })])
    : null;
  const label = `${flat.label}${flat.required ? " (obligatoire)" : ""}`;
  const wrapper = el("div", { className: "survey-question", attributes: { id: `question-${flat.key}`, "data-key": flat.key } });
  const inputs: HTMLInputElement[] = [];
  let field: HTMLInputElement | HTMLTextAreaElement | null = null;
  let dontKnow: HTMLInputElement | null = null;
  const type = flat.type;

  if (question && (type === "select_one" || type === "yes_no" || type === "select_multiple" || type === "scale")) {
    const fieldset = el("fieldset", { attributes: { "aria-describedby": describedBy(hintId, errorId) } }, [el("legend", { text: label, attributes: templated(label) })]);
    if (hint) fieldset.append(hint);
    if (guidance) fieldset.append(guidance);
    const options: { code: string; label: string }[] =
      type === "scale"
        ? [1, 2, 3, 4, 5].map((n) => ({
            code: String(n),
            label: n === 1 && question.min_label ? `1 — ${question.min_label}` : n === 5 && question.max_label ? `5 — ${question.max_label}` : String(n),
          }))
        : choicesOf(definition, question);
    if (type === "scale" && question.dont_know) options.push({ code: DONT_KNOW, label: "Ne sait pas" });
    const name = uid(`champ-${flat.key}`);
    const list = el("div", { className: type === "scale" ? "survey-choices survey-choices--inline" : "survey-choices" });
    for (const option of options) {
      const id = uid("choix");
      const input = el("input", { attributes: { type: type === "select_multiple" ? "checkbox" : "radio", name, id, value: option.code } });
      inputs.push(input);
      list.append(el("div", { className: "survey-choice", attributes: { "data-code": option.code } }, [input, el("label", { text: option.label, attributes: { for: id } })]));
    }
    fieldset.append(list, error);
    wrapper.append(fieldset);
  } else if (question && type === "matrix") {
    const codes = choicesOf(definition, question);
    const fieldset = el("fieldset", { attributes: { "aria-describedby": describedBy(hintId, errorId) } }, [el("legend", { text: label, attributes: templated(label) })]);
    if (hint) fieldset.append(hint);
    if (guidance) fieldset.append(guidance);
    const head = el("tr", {}, [el("td"), ...codes.map((code) => el("th", { text: code.label, attributes: { scope: "col" } }))]);
    const body = el("tbody");
    for (const row of question.rows ?? []) {
      const rowId = uid("ligne");
      const name = uid(`champ-${flat.key}`);
      const cells = codes.map((code) => {
        const input = el("input", {
          attributes: { type: "radio", name, value: code.code, "data-row": row.code, "aria-label": `${row.label} : ${code.label}` },
        });
        inputs.push(input);
        // The choice's own text, hidden where the column header says it, shown on a phone where
        // each row becomes a list of choices.
        return el("td", {}, [el("label", { className: "survey-matrix__option" }, [input, el("span", { className: "survey-matrix__label", text: code.label })])]);
      });
      body.append(el("tr", { attributes: { role: "radiogroup", "aria-labelledby": rowId } }, [el("th", { text: row.label, attributes: { scope: "row", id: rowId } }), ...cells]));
    }
    const table = el("table", { className: "survey-matrix" }, [el("caption", { className: "visually-hidden", text: flat.label }), el("thead", {}, [head]), body]);
    fieldset.append(el("div", { className: "survey-matrix__scroll" }, [table]), error);
    wrapper.append(fieldset);
  } else {
    const id = uid(`champ-${flat.key}`);
    const labelElement = el("label", { text: label, attributes: templated(label, { for: id }) });
    const unit = question?.unit ? el("span", { className: "survey-unit", text: question.unit }) : null;
    if (type === "textarea") {
      field = el("textarea", { attributes: { id, rows: "4", maxlength: String(question?.max_length ?? 2000) } });
    } else {
      const attributes: Record<string, string> = { id, type: type === "date" ? "date" : "text" };
      if (type === "integer") attributes["inputmode"] = "numeric";
      if (type === "decimal") attributes["inputmode"] = "decimal";
      if (type === "text") attributes["maxlength"] = String(question?.max_length ?? 500);
      if (flat.question === null) attributes["maxlength"] = "500";
      field = el("input", { attributes });
    }
    field.setAttribute("aria-describedby", describedBy(hintId, errorId));
    wrapper.append(labelElement);
    if (hint) wrapper.append(hint);
    if (guidance) wrapper.append(guidance);
    wrapper.append(el("div", { className: "survey-field" }, [field, unit]));
    if (question?.dont_know) {
      const dkId = uid("nsp");
      dontKnow = el("input", { attributes: { type: "checkbox", id: dkId } });
      wrapper.append(el("div", { className: "survey-choice" }, [dontKnow, el("label", { text: "Ne sait pas", attributes: { for: dkId } })]));
    }
    wrapper.append(error);
  }
  return { flat, wrapper, error, inputs, field, dontKnow };
}

/** The value the inputs hold; `undefined` when a number cannot be read (a local error). */
export function readValue(block: QuestionBlock): Json | undefined {
  const type = block.flat.type;
  if (block.dontKnow?.checked) return DONT_KNOW;
  if (type === "select_multiple") return block.inputs.filter((input) => input.checked).map((input) => input.value);
  if (type === "matrix") {
    const value: Record<string, Json> = {};
    for (const input of block.inputs) if (input.checked && input.dataset["row"]) value[input.dataset["row"]] = input.value;
    return Object.keys(value).length > 0 ? value : null;
  }
  if (block.inputs.length > 0) {
    const checked = block.inputs.find((input) => input.checked);
    if (!checked) return null;
    if (type === "scale" && checked.value !== DONT_KNOW) return Number(checked.value);
    return checked.value;
  }
  const raw = block.field?.value ?? "";
  if (type === "integer" || type === "decimal") {
    const text = raw.trim().replace(/\s/g, "").replace(",", ".");
    if (text === "") return null;
    const number = Number(text);
    return /^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(number) ? number : undefined;
  }
  return raw === "" ? null : raw;
}

/** Puts a value (from the server) into the inputs. */
export function writeValue(block: QuestionBlock, value: Json | undefined): void {
  const type = block.flat.type;
  if (block.dontKnow) {
    block.dontKnow.checked = value === DONT_KNOW;
    if (block.field) block.field.disabled = value === DONT_KNOW;
  }
  if (type === "select_multiple") {
    const codes = Array.isArray(value) ? value : [];
    for (const input of block.inputs) input.checked = codes.includes(input.value);
  } else if (type === "matrix") {
    const rows = value && typeof value === "object" && !Array.isArray(value) ? value : {};
    for (const input of block.inputs) input.checked = rows[input.dataset["row"] ?? ""] === input.value;
  } else if (block.inputs.length > 0) {
    for (const input of block.inputs) input.checked = value !== null && value !== undefined && String(value) === input.value;
  } else if (block.field) {
    block.field.value = value === null || value === undefined || value === DONT_KNOW ? "" : String(value).replace(".", type === "decimal" ? "," : ".");
  }
}

/** Ticking an exclusive option ("Aucun", "Ne sait pas") unticks the others, and the reverse. */
export function applyExclusive(definition: Definition, block: QuestionBlock, changed: HTMLInputElement): void {
  const question = block.flat.question;
  if (block.flat.type !== "select_multiple" || !question || !changed.checked) return;
  const exclusive = new Set((definition.choice_lists[question.choices ?? ""] ?? []).filter((c) => c.exclusive).map((c) => c.code));
  for (const input of block.inputs) {
    if (input === changed) continue;
    if (exclusive.has(changed.value) || exclusive.has(input.value)) input.checked = false;
  }
}
