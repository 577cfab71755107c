/**
 * Small DOM helpers. Text from the APIs only ever goes through `textContent` (never
 * `innerHTML`), so it cannot inject markup.
 */

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A new element with its class, text or children, and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    element.setAttribute(name, value);
  }
  if (options.text !== undefined) element.textContent = options.text;
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** The element of the page with this id; a missing element is a bug of the page. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`Élément #${id} absent ou d'un autre type`);
  }
  return element;
}

/** Replaces the content of a live region so that screen readers announce it. */
export function announce(region: HTMLElement, message: string): void {
  region.textContent = message;
}

/**
 * Shows an error in an alert container (a live region that stays in the page, hidden by CSS
 * while empty), with an optional "Réessayer" button. An empty message clears it.
 */
export function showError(container: HTMLElement, message: string, retry?: () => void): void {
  container.replaceChildren();
  if (message === "") return;
  container.append(el("p", { text: message }));
  if (retry) {
    const button = el("button", { className: "button button--secondary", text: "Réessayer", attributes: { type: "button" } });
    button.addEventListener("click", retry);
    container.append(button);
  }
}
