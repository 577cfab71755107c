/**
 * The catalogue's search: text, facets with counts, sort and pages. The whole state lives in
 * the address (`?q=…&domain=…&region=…&tri=nom&page=2`), so a search can be shared.
 */

import "../catalogue/catalogue.css";
import { errorMessage } from "../api";
import { announce, byId, el, showError } from "../dom";
import { count } from "../format";
import { apiUrl, getVocabularies, searchUseCases, suggest, type SearchPage, type Vocabularies } from "../catalogue/api";
import { FACETS } from "../catalogue/coded-fields";
import { resultCard } from "../catalogue/display";
import { offerFeed, searchFeedPath } from "../catalogue/feeds";

const PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;

const FACET_NAMES = new Set(FACETS.map(([name]) => name));

interface State {
  readonly q: string;
  readonly page: number;
  readonly perPage: number | null;
  readonly sort: string;
  readonly filters: ReadonlyMap<string, readonly string[]>;
}

const heading = byId("resultats-titre", HTMLElement);
const status = byId("resultats-etat", HTMLElement);
const error = byId("resultats-erreur", HTMLElement);
const list = byId("resultats", HTMLElement);
const pagination = byId("pagination", HTMLElement);
const form = byId("recherche", HTMLFormElement);
const input = byId("recherche-q", HTMLInputElement);
const suggestions = byId("suggestions", HTMLElement);
const facetsContainer = byId("facettes", HTMLElement);
const active = byId("filtres-actifs", HTMLElement);
const sortSelect = byId("tri", HTMLSelectElement);
const correction = byId("resultats-correction", HTMLElement);
const partialSection = byId("resultats-partiels", HTMLElement);
const partialList = byId("resultats-partiels-liste", HTMLElement);
const feedLink = byId("resultats-flux", HTMLAnchorElement);

function positive(text: string | null, max = Number.MAX_SAFE_INTEGER): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  const value = Number.parseInt(text, 10);
  return value >= 1 && value <= max ? value : null;
}

function readState(): State {
  const params = new URLSearchParams(window.location.search);
  const filters = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (FACET_NAMES.has(key) && value) filters.set(key, [...(filters.get(key) ?? []), value]);
  }
  const sort = params.get("tri") ?? "";
  return {
    q: (params.get("q") ?? "").trim(),
    page: positive(params.get("page")) ?? 1,
    perPage: positive(params.get("par_page"), MAX_PAGE_SIZE),
    sort: ["date", "nom", "pertinence"].includes(sort) ? sort : "",
    filters,
  };
}

function stateUrl(state: State): string {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [name, values] of state.filters) for (const value of values) params.append(name, value);
  if (state.sort) params.set("tri", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.perPage !== null) params.set("par_page", String(state.perPage));
  const search = params.toString();
  return `${window.location.pathname}${search ? `?${search}` : ""}`;
}

function withFilter(state: State, name: string, value: string, on: boolean): State {
  const filters = new Map(state.filters);
  const values = (filters.get(name) ?? []).filter((v) => v !== value);
  if (on) values.push(value);
  if (values.length) filters.set(name, values);
  else filters.delete(name);
  return { ...state, filters, page: 1 };
}

let latest = 0;
let vocabularies: Vocabularies | null = null;

function navigate(state: State, moveFocus: boolean): void {
  window.history.pushState(null, "", stateUrl(state));
  void show(state, moveFocus);
}

function pageSize(state: State): number {
  return state.perPage ?? PAGE_SIZE;
}

function renderFacets(state: State, page: SearchPage): void {
  const groups = FACETS.map(([name, label]) => {
    const values = page.facets[name] ?? [];
    const selected = state.filters.get(name) ?? [];
    if (values.length === 0 && selected.length === 0) return null;
    const details = el("details", { className: "catalogue-facet" }, [
      el("summary", { text: selected.length ? `${label} (${selected.length})` : label }),
      el("fieldset", {}, [
        el("legend", { className: "catalogue-visually-hidden", text: label }),
        ...values.map((value) => {
          const id = `facette-${name}-${value.code}`;
          const box = el("input", { attributes: { type: "checkbox", id, name, value: value.code } });
          box.checked = selected.includes(value.code);
          box.addEventListener("change", () => navigate(withFilter(readState(), name, value.code, box.checked), false));
          return el("div", { className: "catalogue-facet__value" }, [box, el("label", { text: `${value.label} (${value.count})`, attributes: { for: id } })]);
        }),
      ]),
    ]);
    details.open = selected.length > 0 || name === "domain";
    return details;
  });
  facetsContainer.replaceChildren(...groups.filter((group): group is HTMLDetailsElement => group !== null));

  const chips = [...state.filters].flatMap(([name, values]) =>
    values.map((value) => {
      const label = page.facets[name]?.find((f) => f.code === value)?.label ?? value;
      const button = el("button", { className: "button button--secondary catalogue-chip", text: `Retirer le filtre : ${label}`, attributes: { type: "button" } });
      button.addEventListener("click", () => navigate(withFilter(readState(), name, value, false), false));
      return el("li", {}, [button]);
    }),
  );
  active.replaceChildren(...(chips.length ? [el("ul", { className: "catalogue-chips", attributes: { "aria-label": "Filtres actifs" } }, chips)] : []));
}

function pageLink(state: State, label: string, rel: "prev" | "next"): HTMLAnchorElement {
  const link = el("a", { className: "button button--secondary", text: label, attributes: { href: stateUrl(state), rel } });
  link.addEventListener("click", (event) => {
    event.preventDefault();
    navigate(state, true);
  });
  return link;
}

function renderPagination(state: State, total: number): void {
  const pages = Math.max(1, Math.ceil(total / pageSize(state)));
  if (pages <= 1 && state.page === 1) {
    pagination.replaceChildren();
    return;
  }
  pagination.replaceChildren(
    el("ul", { className: "pagination" }, [
      state.page > 1 ? el("li", {}, [pageLink({ ...state, page: Math.min(state.page - 1, pages) }, "Page précédente", "prev")]) : null,
      el("li", { className: "pagination__current", text: `Page ${state.page} sur ${pages}` }),
      state.page < pages ? el("li", {}, [pageLink({ ...state, page: state.page + 1 }, "Page suivante", "next")]) : null,
    ]),
  );
}

function describe(state: State, page: SearchPage): string {
  if (page.total === 0) {
    if (state.q && page.partial?.length) return `Aucun cas d'usage ne contient tous les mots de « ${state.q} » ; ${count(page.partial.length, "fiche en contient", "fiches en contiennent")} une partie.`;
    return state.q ? `Aucun cas d'usage ne correspond à « ${state.q} ».` : "Aucun cas d'usage ne correspond à ces filtres.";
  }
  const sentence = state.q
    ? `${count(page.total, "cas d'usage trouvé", "cas d'usage trouvés")} pour « ${state.q} ».`
    : `${count(page.total, "cas d'usage publié", "cas d'usage publiés")}.`;
  const pages = Math.max(1, Math.ceil(page.total / pageSize(state)));
  if (page.items.length === 0) return `${sentence} Cette page ne contient aucun élément.`;
  return pages > 1 ? `${sentence} Page ${state.page} sur ${pages}.` : sentence;
}

async function show(state: State, moveFocus: boolean): Promise<void> {
  const request = ++latest;
  input.value = state.q;
  sortSelect.value = state.sort;
  suggestions.replaceChildren();
  list.setAttribute("aria-busy", "true");
  showError(error, "");
  announce(status, "Chargement…");
  try {
    const size = pageSize(state);
    const query: Record<string, string | readonly string[] | number | undefined> = {
      q: state.q,
      tri: state.sort || undefined,
      limit: size,
      offset: (state.page - 1) * size,
    };
    for (const [name, values] of state.filters) query[name] = values;
    void offerFeed(feedLink, searchFeedPath(state.q, state.filters), "Cas d'usage de cette recherche (Atom)");
    const [page, vocab] = await Promise.all([searchUseCases(query), vocabularies ? Promise.resolve(vocabularies) : getVocabularies().catch(() => null)]);
    vocabularies = vocab;
    if (request !== latest) return;
    list.replaceChildren(...page.items.map((item) => el("li", {}, [resultCard(item, vocabularies)])));
    const partial = page.partial ?? [];
    partialList.replaceChildren(...partial.map((item) => el("li", {}, [resultCard(item, vocabularies)])));
    partialSection.hidden = partial.length === 0;
    correction.hidden = !page.did_you_mean;
    correction.replaceChildren();
    if (page.did_you_mean) {
      const corrected = page.did_you_mean;
      const link = el("a", { text: corrected, attributes: { href: stateUrl({ ...state, q: corrected, page: 1 }) } });
      correction.append(`Vous vouliez dire « `, link, ` » ? Résultats pour cette orthographe.`);
    }
    renderFacets(state, page);
    renderPagination(state, page.total);
    announce(status, describe(state, page));
  } catch (failure) {
    if (request !== latest) return;
    list.replaceChildren();
    pagination.replaceChildren();
    announce(status, "");
    showError(error, errorMessage(failure), () => void show(state, false));
  } finally {
    if (request === latest) list.removeAttribute("aria-busy");
  }
  if (moveFocus && request === latest) heading.focus();
}

let suggestionRequest = 0;
input.addEventListener("input", () => {
  const q = input.value.trim();
  const request = ++suggestionRequest;
  if (q.length < 3) {
    suggestions.replaceChildren();
    return;
  }
  void suggest(q).then(
    (items) => {
      if (request !== suggestionRequest) return;
      suggestions.replaceChildren(
        ...items.map((item) => el("li", {}, [el("a", { text: item.title, attributes: { href: `fiche.html?id=${item.id}` } })])),
      );
    },
    () => suggestions.replaceChildren(),
  );
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  navigate({ ...readState(), q: input.value.trim(), page: 1 }, false);
});
sortSelect.addEventListener("change", () => navigate({ ...readState(), sort: sortSelect.value, page: 1 }, false));
window.addEventListener("popstate", () => void show(readState(), false));

for (const link of document.querySelectorAll<HTMLAnchorElement>("a[data-api]")) {
  void apiUrl(link.dataset["api"] ?? "").then((url) => {
    link.href = url;
  });
}

void show(readState(), false);
