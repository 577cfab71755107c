/**
 * Calls to the JSON APIs: every failure becomes an `ApiError` whose message is French text
 * that can be shown as is (the `detail` of an RFC 9457 problem when the API sends one).
 */

import { loadConfig, type AppConfig } from "./config";

export type Service = "catalogue" | "survey" | "auditions";

const SERVICE_NAMES: Record<Service, string> = {
  catalogue: "de la bibliothèque d'IA territorialisées",
  survey: "de l'observatoire des usages",
  auditions: "des auditions nationales",
};

const TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    message: string,
    /** HTTP status, or 0 when no response came. */
    readonly status: number,
  ) {
    super(message);
  }
}

/** The French message to show for any error thrown while loading data. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && (error.name === "ApiError" || error.name === "ConfigError")) {
    return error.message;
  }
  return "Une erreur inattendue est survenue. Réessayez dans quelques instants.";
}

export function baseUrl(config: AppConfig, service: Service): string {
  switch (service) {
    case "catalogue":
      return config.catalogueUrl;
    case "survey":
      return config.surveyUrl;
    case "auditions":
      return config.auditionsUrl;
  }
}

type Query = Record<string, string | number | undefined>;

/** `path` with its query string; empty values are left out. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** Fetches JSON from one service; throws `ApiError` with a French message on any failure. */
export async function requestJson(
  service: Service,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  const config = await loadConfig();
  const url = baseUrl(config, service) + path;
  const name = SERVICE_NAMES[service];
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json, application/problem+json");

  let response: Response;
  try {
    response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new ApiError(`Le service ${name} met trop de temps à répondre. Réessayez dans quelques instants.`, 0);
    }
    throw new ApiError(`Le service ${name} est momentanément indisponible. Réessayez dans quelques instants.`, 0);
  }

  const body = await readBody(response);
  if (!response.ok) {
    throw new ApiError(problemMessage(body, response.status, name), response.status);
  }
  if (body === undefined) {
    throw new ApiError(`Le service ${name} a envoyé une réponse illisible.`, response.status);
  }
  return body;
}

async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) {
    return undefined;
  }
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

function problemMessage(body: unknown, status: number, name: string): string {
  if (typeof body === "object" && body !== null) {
    const detail = (body as Record<string, unknown>)["detail"];
    if (typeof detail === "string" && detail.trim() !== "") {
      return detail;
    }
  }
  if (status === 401) return "Authentification requise.";
  if (status === 403) return "Vous n'avez pas les droits nécessaires.";
  if (status === 404) return "La ressource demandée est introuvable.";
  if (status === 429) return "Trop de tentatives. Patientez avant de réessayer.";
  if (status >= 500) {
    return `Le service ${name} rencontre une erreur (HTTP ${status}). Réessayez dans quelques instants.`;
  }
  return `Le service ${name} a refusé la requête (HTTP ${status}).`;
}
