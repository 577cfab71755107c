/**
 * A paged list of API items, optionally with a search field. Its state (search, page and page
 * size) lives in the address (`?q=…&page=2&par_page=50`), so a result page can be bookmarked,
 * shared and reached with the browser's back button.
 */

import { errorMessage } from "./api";
import { announce, byId, el, showError } from "./dom";
import type { Page, PageRequest } from "./resources";

export interface ListPageOptions<T> {
  /** Items per page (the API's `limit`). */
  readonly pageSize: number;
  readonly load: (request: PageRequest & { readonly q: string }) => Promise<Page<T>>;
  readonly renderItem: (item: T) => HTMLElement;
  /** Sentence for the live status region once a page is shown ("12 cas d'usage trouvés"). */
  readonly describe: (total: number, q: string) => string;
  /** Sentence when the list is empty. */
  readonly empty: (q: string) => string;
}

interface ListState {
  readonly q: string;
  /** 1-based page number. */
  readonly page: number;
  /** Items per page, or null for the page's default. */
  readonly perPage: number | null;
}

/** The API refuses larger pages. */
const MAX_PAGE_SIZE = 100;

/** Ids of the elements a list page must contain. */
const IDS = {
  heading: "resultats-titre",
  status: "resultats-etat",
  error: "resultats-erreur",
  list: "resultats",
  pagination: "pagination",
  searchForm: "recherche",
  searchInput: "recherche-q",
} as const;

function positiveInteger(text: string | null, max = Number.MAX_SAFE_INTEGER): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  const value = Number.parseInt(text, 10);
  return value >= 1 && value <= max ? value : null;
}

function readState(): ListState {
  const params = new URLSearchParams(window.location.search);
  return {
    q: (params.get("q") ?? "").trim(),
    page: positiveInteger(params.get("page")) ?? 1,
    perPage: positiveInteger(params.get("par_page"), MAX_PAGE_SIZE),
  };
}

function stateUrl(state: ListState): string {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.perPage !== null) params.set("par_page", String(state.perPage));
  const search = params.toString();
  return `${window.location.pathname}${search ? `?${search}` : ""}`;
}

export function startListPage<T>(options: ListPageOptions<T>): void {
  const heading = byId(IDS.heading, HTMLElement);
  const status = byId(IDS.status, HTMLElement);
  const error = byId(IDS.error, HTMLElement);
  const list = byId(IDS.list, HTMLElement);
  const pagination = byId(IDS.pagination, HTMLElement);
  const form = document.getElementById(IDS.searchForm);
  const input = document.getElementById(IDS.searchInput);
  const search = form instanceof HTMLFormElement && input instanceof HTMLInputElement ? { form, input } : null;

  let latest = 0;

  async function show(state: ListState, moveFocus: boolean): Promise<void> {
    const request = ++latest;
    if (search) search.input.value = state.q;
    list.setAttribute("aria-busy", "true");
    showError(error, "");
    announce(status, "Chargement…");
    try {
      const size = pageSize(state);
      const page = await options.load({ q: state.q, limit: size, offset: (state.page - 1) * size });
      if (request !== latest) return;
      list.replaceChildren(...page.items.map((item) => el("li", {}, [options.renderItem(item)])));
      renderPagination(state, page.total);
      announce(status, page.items.length === 0 && page.total === 0 ? options.empty(state.q) : describe(state, page));
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

  function describe(state: ListState, page: Page<T>): string {
    const sentence = options.describe(page.total, state.q);
    const pages = pageCount(state, page.total);
    if (page.items.length === 0) return `${sentence} Cette page ne contient aucun élément.`;
    return pages > 1 ? `${sentence} Page ${state.page} sur ${pages}.` : sentence;
  }

  function pageSize(state: ListState): number {
    return state.perPage ?? options.pageSize;
  }

  function pageCount(state: ListState, total: number): number {
    return Math.max(1, Math.ceil(total / pageSize(state)));
  }

  function navigate(state: ListState, moveFocus: boolean): void {
    window.history.pushState(null, "", stateUrl(state));
    void show(state, moveFocus);
  }

  function pageLink(state: ListState, label: string, rel: "prev" | "next"): HTMLAnchorElement {
    const link = el("a", { className: "button button--secondary", text: label, attributes: { href: stateUrl(state), rel } });
    link.addEventListener("click", (event) => {
      event.preventDefault();
      navigate(state, true);
    });
    return link;
  }

  function renderPagination(state: ListState, total: number): void {
    const pages = pageCount(state, total);
    if (pages <= 1 && state.page === 1) {
      pagination.replaceChildren();
      return;
    }
    pagination.replaceChildren(
      el("ul", { className: "pagination" }, [
        state.page > 1
          ? el("li", {}, [pageLink({ ...state, page: Math.min(state.page - 1, pages) }, "Page précédente", "prev")])
          : null,
        el("li", { className: "pagination__current", text: `Page ${state.page} sur ${pages}` }),
        state.page < pages ? el("li", {}, [pageLink({ ...state, page: state.page + 1 }, "Page suivante", "next")]) : null,
      ]),
    );
  }

  search?.form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate({ ...readState(), q: search.input.value.trim(), page: 1 }, false);
  });
  window.addEventListener("popstate", () => void show(readState(), false));

  void show(readState(), false);
}
