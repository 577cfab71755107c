/**
 * The fiche form, in steps (one per block of the reference), shared by the proposal page and
 * the private edit page. The API's validation is shown field by field; the porteur is chosen
 * with an autocomplete on the territories reference.
 */

import { requestJson, withQuery } from "../api";
import { el } from "../dom";
import type { Content, FieldError, Vocabularies } from "./api";
import { BLOCKS, fieldLabel, type FieldSpec } from "./fields";

type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface FicheForm {
  /** The values typed, as the API expects them (empty fields as null). */
  values(): Content;
  /** Shows the API's errors next to their fields and in a summary; moves to the first one. */
  showErrors(errors: readonly FieldError[], summary: HTMLElement): void;
  clearErrors(summary: HTMLElement): void;
  onChange(listener: () => void): void;
}

interface Territory {
  readonly code: string;
  readonly kind: string;
  readonly name: string;
}

const KIND_LABELS: Readonly<Record<string, string>> = {
  commune: "commune",
  epci: "intercommunalité",
  ept: "EPT",
  departement: "département",
  region: "région",
};

function control(field: FieldSpec, vocabularies: Vocabularies, value: unknown): Control {
  const id = `champ-${field.name}`;
  const describedBy = [field.hint ? `${id}-aide` : "", `${id}-erreur`].filter(Boolean).join(" ");
  const common = { id, name: field.name, "aria-describedby": describedBy };
  if (field.kind === "textarea") {
    const area = el("textarea", { attributes: { ...common, rows: "4" } });
    area.value = typeof value === "string" ? value : "";
    return area;
  }
  if (field.kind === "code" || field.kind === "boolean") {
    const options =
      field.kind === "boolean"
        ? [
            { code: "true", label: "Oui" },
            { code: "false", label: "Non" },
          ]
        : (vocabularies.vocabularies[field.vocabulary ?? ""] ?? []);
    const select = el("select", { attributes: common }, [
      el("option", { text: "— Choisir —", attributes: { value: "" } }),
      ...options.map((option) => el("option", { text: option.label, attributes: { value: option.code } })),
    ]);
    select.value = value === null || value === undefined ? "" : String(value);
    return select;
  }
  const input = el("input", { attributes: { ...common, type: field.kind === "number" ? "number" : field.kind === "url" ? "url" : "text", autocomplete: "off" } });
  if (field.kind === "month") input.placeholder = "2025-03";
  input.value = Array.isArray(value) ? value.join(", ") : value === null || value === undefined ? "" : String(value);
  return input;
}

interface Entry {
  readonly field: FieldSpec;
  /** What receives the focus (the first box of a group). */
  readonly focus: HTMLElement;
  /** What is marked aria-invalid. */
  readonly invalid: readonly HTMLElement[];
  readonly read: () => unknown;
  readonly error: HTMLElement;
  readonly step: number;
}

/** A list of codes: one checkbox per code, grouped in a fieldset whose legend names the field. */
function checkboxGroup(field: FieldSpec, vocabularies: Vocabularies, value: unknown, legend: string): { group: HTMLFieldSetElement; boxes: HTMLInputElement[]; error: HTMLElement } {
  const id = `champ-${field.name}`;
  const chosen = Array.isArray(value) ? value : [];
  const options = vocabularies.vocabularies[field.vocabulary ?? ""] ?? [];
  const error = el("p", { className: "catalogue-field-error", attributes: { id: `${id}-erreur` } });
  const boxes: HTMLInputElement[] = [];
  const choices = options.map((option) => {
    const box = el("input", { attributes: { type: "checkbox", id: `${id}-${option.code}`, name: field.name, value: option.code } });
    box.checked = chosen.includes(option.code);
    boxes.push(box);
    return el("div", { className: "catalogue-choice" }, [box, el("label", { text: option.label, attributes: { for: box.id } })]);
  });
  const describedBy = [field.hint ? `${id}-aide` : "", `${id}-erreur`].filter(Boolean).join(" ");
  const group = el("fieldset", { className: "catalogue-field catalogue-choices", attributes: { id, "aria-describedby": describedBy } }, [
    el("legend", { text: legend }),
    field.hint ? el("p", { className: "hint", text: field.hint, attributes: { id: `${id}-aide` } }) : null,
    ...choices,
    error,
  ]);
  return { group, boxes, error };
}

function read(field: FieldSpec, element: Control): unknown {
  const raw = element.value.trim();
  if (raw === "") return null;
  switch (field.kind) {
    case "boolean":
      return raw === "true";
    case "number":
      return /^\d+$/.test(raw) ? Number.parseInt(raw, 10) : raw;
    case "list":
    case "territories":
      return raw.split(",").map((item) => item.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function territoryPicker(input: HTMLInputElement, kind: { value: string | null }): HTMLElement {
  const list = el("ul", { className: "catalogue-suggestions", attributes: { id: `${input.id}-suggestions`, "aria-label": "Collectivités proposées" } });
  const chosen = el("p", { className: "hint", attributes: { id: `${input.id}-choix`, "aria-live": "polite" } });
  let latest = 0;
  input.addEventListener("input", () => {
    const q = input.value.trim();
    kind.value = null;
    chosen.textContent = "";
    const request = ++latest;
    if (q.length < 2 || /^\d{9}$/.test(q)) {
      list.replaceChildren();
      return;
    }
    void requestJson("catalogue", withQuery("/territories", { q, limit: 6 })).then((body) => {
      if (request !== latest) return;
      const items = (body as { items?: Territory[] }).items ?? [];
      list.replaceChildren(
        ...items.map((territory) => {
          const button = el("button", {
            className: "button button--secondary catalogue-suggestion",
            text: `${territory.name} (${KIND_LABELS[territory.kind] ?? territory.kind}, ${territory.code})`,
            attributes: { type: "button" },
          });
          button.addEventListener("click", () => {
            input.value = territory.code;
            kind.value = territory.kind;
            chosen.textContent = `Collectivité choisie : ${territory.name}`;
            list.replaceChildren();
            input.dispatchEvent(new Event("change", { bubbles: true }));
            input.focus();
          });
          return el("li", {}, [button]);
        }),
      );
    }, () => list.replaceChildren());
  });
  return el("div", {}, [chosen, list]);
}

/** Builds the form's steps into `container`, filled with `content`. */
export function buildFicheForm(container: HTMLElement, vocabularies: Vocabularies, content: Content, stepStatus: HTMLElement): FicheForm {
  const controls = new Map<string, Entry>();
  const kind = { value: typeof content["local_authority_kind"] === "string" ? content["local_authority_kind"] : null };
  const steps = BLOCKS.map((block, index) => {
    const fieldset = el("fieldset", { className: "catalogue-step", attributes: { id: `etape-${block.id}` } }, [
      el("legend", { text: `Étape ${index + 1} sur ${BLOCKS.length} : ${block.title}` }),
    ]);
    for (const field of block.fields) {
      const required = vocabularies.quick_publication.includes(field.name);
      const labelText = required ? `${field.label} (requis pour publier)` : field.label;
      if (field.kind === "codes") {
        const { group, boxes, error } = checkboxGroup(field, vocabularies, content[field.name], labelText);
        fieldset.append(group);
        const readCodes = (): unknown => {
          const codes = boxes.filter((box) => box.checked).map((box) => box.value);
          return codes.length ? codes : null;
        };
        controls.set(field.name, { field, focus: boxes[0] ?? group, invalid: boxes, read: readCodes, error, step: index });
        continue;
      }
      const element = control(field, vocabularies, content[field.name]);
      const error = el("p", { className: "catalogue-field-error", attributes: { id: `${element.id}-erreur` } });
      const label = el("label", { text: labelText, attributes: { for: element.id } });
      fieldset.append(
        el("div", { className: "catalogue-field" }, [
          label,
          field.hint ? el("p", { className: "hint", text: field.hint, attributes: { id: `${element.id}-aide` } }) : null,
          element,
          field.kind === "territory" && element instanceof HTMLInputElement ? territoryPicker(element, kind) : null,
          error,
        ]),
      );
      controls.set(field.name, { field, focus: element, invalid: [element], read: () => read(field, element), error, step: index });
    }
    return fieldset;
  });

  let current = 0;
  const previous = el("button", { className: "button button--secondary", text: "Étape précédente", attributes: { type: "button" } });
  const next = el("button", { className: "button button--secondary", text: "Étape suivante", attributes: { type: "button" } });
  function show(step: number, focus: boolean): void {
    current = Math.max(0, Math.min(step, steps.length - 1));
    steps.forEach((fieldset, index) => {
      fieldset.hidden = index !== current;
    });
    previous.disabled = current === 0;
    next.disabled = current === steps.length - 1;
    stepStatus.textContent = `Étape ${current + 1} sur ${steps.length} : ${BLOCKS[current]?.title ?? ""}`;
    if (focus) steps[current]?.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }
  previous.addEventListener("click", () => show(current - 1, true));
  next.addEventListener("click", () => show(current + 1, true));
  container.replaceChildren(...steps, el("div", { className: "catalogue-steps-nav" }, [previous, next]));
  show(0, false);

  const listeners: (() => void)[] = [];
  container.addEventListener("input", () => listeners.forEach((listener) => listener()));
  container.addEventListener("change", () => listeners.forEach((listener) => listener()));

  return {
    values(): Content {
      const values: Content = {};
      for (const [name, entry] of controls) values[name] = entry.read();
      values["local_authority_kind"] = kind.value === "region" ? "region" : null;
      return values;
    },
    clearErrors(summary: HTMLElement): void {
      summary.replaceChildren();
      for (const { invalid, error } of controls.values()) {
        for (const element of invalid) element.removeAttribute("aria-invalid");
        error.textContent = "";
      }
    },
    showErrors(errors: readonly FieldError[], summary: HTMLElement): void {
      this.clearErrors(summary);
      const items: HTMLElement[] = [];
      let first: Entry | null = null;
      for (const error of errors) {
        const name = String(error.loc[1] ?? error.loc[error.loc.length - 1] ?? "");
        const entry = controls.get(name);
        const message = `${fieldLabel(name)} : ${error.msg}`;
        if (entry) {
          for (const element of entry.invalid) element.setAttribute("aria-invalid", "true");
          entry.error.textContent = error.msg;
          first ??= entry;
          const link = el("a", { text: message, attributes: { href: `#${entry.focus.id}` } });
          link.addEventListener("click", (event) => {
            event.preventDefault();
            show(entry.step, false);
            entry.focus.focus();
          });
          items.push(el("li", {}, [link]));
        } else {
          items.push(el("li", { text: message }));
        }
      }
      summary.append(el("p", { text: "Corrigez les champs suivants :" }), el("ul", {}, items));
      if (first) show(first.step, false);
    },
    onChange(listener: () => void): void {
      listeners.push(listener);
    },
  };
}
