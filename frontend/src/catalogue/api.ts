/**
 * Calls to the catalogue API. Unlike `requestJson`, a refused request keeps the problem's
 * field errors (`errors[].loc`) so forms can show each message next to its field.
 */

import { ApiError, baseUrl, requestJson, withQuery } from "../api";
import { loadConfig } from "../config";
import type { AiActSource } from "./ai-act";

export type Content = Record<string, unknown>;

export interface FieldError {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
}

export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

export interface UseCaseSummary {
  readonly id: number;
  readonly slug: string;
  readonly status: string;
  readonly title: string;
  readonly summary: string;
  readonly theme: string;
  readonly domain: string | null;
  readonly ai_technology: string | null;
  readonly ai_act_class: string | null;
  readonly project_status: string | null;
  readonly individual_decisions: boolean | null;
  readonly local_authority_code: string | null;
  readonly local_authority_name: string | null;
  readonly local_authority_kind: string | null;
  readonly siren: string | null;
  readonly insee_code: string | null;
  readonly region: string | null;
  readonly departement: string | null;
  readonly published_at: string | null;
  readonly updated_at: string;
  readonly is_demo: boolean;
  readonly snippet: readonly Segment[] | null;
  /** With a query: the labelled fields that matched it ("Domaine" : "Déchets et propreté"). */
  readonly matched?: readonly MatchedLabel[] | null;
}

export interface MatchedLabel {
  readonly field: string;
  readonly label: string;
}

export interface SimilarUseCase {
  readonly use_case: UseCaseSummary;
  readonly shared_codes: readonly MatchedLabel[];
  readonly shared_words: readonly string[];
  readonly same_authority: boolean;
}

export interface UseCasePublic extends UseCaseSummary {
  readonly version: number;
  readonly declared_by: string;
  readonly completeness: number;
  readonly content: Content;
  readonly partners: readonly { code: string; name: string }[];
  /** Whether the public AI Act class was qualified (under which rules) or self-declared. */
  readonly ai_act: AiActSource;
}

export interface Change {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface UseCasePrivate extends UseCasePublic {
  readonly draft: Content;
  readonly draft_ai_act: AiActSource;
  readonly pending_review: boolean;
  readonly moderation_message: string | null;
  readonly changes: readonly Change[];
  readonly publication_errors: readonly FieldError[];
}

export interface FacetValue {
  readonly code: string;
  readonly label: string;
  readonly count: number;
}

export interface SearchPage {
  readonly items: readonly UseCaseSummary[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly facets: Readonly<Record<string, readonly FacetValue[]>>;
  /** When few fiches hold every word: those holding some of them (not counted in `total`). */
  readonly partial?: readonly UseCaseSummary[];
  /** The query as read when a word was taken for a typo ("piscnes" → "piscines"). */
  readonly did_you_mean?: string | null;
}

export interface HistoryEntry {
  readonly version: number;
  readonly event: string;
  readonly status: string;
  readonly at: string;
  readonly note: string | null;
  readonly changes: readonly Change[];
}

export interface Vocabularies {
  readonly version: string;
  readonly vocabularies: Readonly<Record<string, readonly { code: string; label: string }[]>>;
  readonly quick_publication: readonly string[];
}

/** A refusal of the API with the fields it names (422). */
export class FieldErrors extends ApiError {
  constructor(
    message: string,
    status: number,
    readonly errors: readonly FieldError[],
  ) {
    super(message, status);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shape<T>(value: unknown): T {
  if (!isObject(value) && !Array.isArray(value)) {
    throw new ApiError("La bibliothèque a envoyé une réponse illisible.", 200);
  }
  return value as T;
}

/** Sends a JSON body; a problem becomes `FieldErrors` (with its `errors` list when present). */
export async function send<T>(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const config = await loadConfig();
  let response: Response;
  try {
    response = await fetch(baseUrl(config, "catalogue") + path, {
      method,
      headers: { Accept: "application/json, application/problem+json", "Content-Type": "application/json", ...headers },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ApiError("La bibliothèque est momentanément indisponible. Réessayez dans quelques instants.", 0);
  }
  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const problem = isObject(parsed) ? parsed : {};
    const detail = typeof problem["detail"] === "string" ? problem["detail"] : `La bibliothèque a refusé la requête (HTTP ${response.status}).`;
    const errors = Array.isArray(problem["errors"]) ? (problem["errors"] as FieldError[]) : [];
    throw new FieldErrors(detail, response.status, errors);
  }
  return shape<T>(parsed);
}

export type Query = Record<string, string | readonly string[] | number | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, String(item));
    } else {
      params.set(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export async function searchUseCases(query: Query): Promise<SearchPage> {
  return shape<SearchPage>(await requestJson("catalogue", `/use-cases${queryString(query)}`));
}

export async function suggest(q: string): Promise<readonly UseCaseSummary[]> {
  return shape<UseCaseSummary[]>(await requestJson("catalogue", withQuery("/use-cases/suggestions", { q })));
}

/** A published fiche by its number or its slug. */
export async function getUseCase(key: number | string): Promise<UseCasePublic> {
  return shape<UseCasePublic>(await requestJson("catalogue", `/use-cases/${encodeURIComponent(String(key))}`));
}

export async function getSimilar(id: number): Promise<readonly SimilarUseCase[]> {
  return shape<SimilarUseCase[]>(await requestJson("catalogue", `/use-cases/${id}/similar`));
}

export async function getHistory(id: number): Promise<readonly HistoryEntry[]> {
  return shape<HistoryEntry[]>(await requestJson("catalogue", `/use-cases/${id}/history`));
}

let vocabularies: Promise<Vocabularies> | undefined;

export function getVocabularies(): Promise<Vocabularies> {
  vocabularies ??= requestJson("catalogue", "/vocabularies").then((body) => shape<Vocabularies>(body));
  return vocabularies;
}

/** The address of a catalogue API resource (for download links). */
export async function apiUrl(path: string): Promise<string> {
  return baseUrl(await loadConfig(), "catalogue") + path;
}
