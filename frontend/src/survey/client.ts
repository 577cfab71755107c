/**
 * Calls of the survey pages that need more than `requestJson`: the credentials given by the caller
 * (`privateLinkHeaders` for the personal link, `bearerHeaders` for staff, from `../headers`), and
 * the body of a 422 (the answers that were saved all the same).
 */

import { ApiError, baseUrl } from "../api";
import { loadConfig } from "../config";
import { bearerHeaders } from "../headers";

export interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const UNAVAILABLE = "Le service de l'observatoire est momentanément indisponible. Vos saisies seront renvoyées dès son retour.";

/** Sends a request; answers 2xx and 4xx with their body, throws `ApiError` otherwise. */
export async function call(path: string, credentials: Record<string, string>, init: { method?: string; body?: unknown } = {}): Promise<Reply> {
  const config = await loadConfig();
  const headers = new Headers({ Accept: "application/json, application/problem+json", ...credentials });
  let body: string | undefined;
  if (init.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.body);
  }
  let response: Response;
  try {
    response = await fetch(baseUrl(config, "survey") + path, {
      method: init.method ?? "GET",
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new ApiError(UNAVAILABLE, 0);
  }
  let parsed: unknown = {};
  try {
    parsed = await response.json();
  } catch {
    parsed = {};
  }
  const record = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (response.status >= 500 || response.status === 0) {
    throw new ApiError(typeof record["detail"] === "string" ? record["detail"] : UNAVAILABLE, response.status);
  }
  return { status: response.status, body: record };
}

/** The `detail` of a problem, or a French fallback. */
export function detailOf(reply: Reply, fallback: string): string {
  const detail = reply.body["detail"];
  return typeof detail === "string" && detail !== "" ? detail : fallback;
}

/** Downloads a file the API serves to staff (bearer token), under the name the API gives. */
export async function download(path: string, token: string, fallbackName: string): Promise<void> {
  const config = await loadConfig();
  const response = await fetch(baseUrl(config, "survey") + path, { headers: bearerHeaders(token) });
  if (!response.ok) throw new ApiError(`Le téléchargement a échoué (HTTP ${response.status}).`, response.status);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sends a file as multipart form data (field `file`). */
export async function upload(path: string, token: string, file: File): Promise<Reply> {
  const config = await loadConfig();
  const form = new FormData();
  form.append("file", file);
  let response: Response;
  try {
    response = await fetch(baseUrl(config, "survey") + path, { method: "POST", headers: bearerHeaders(token), body: form });
  } catch {
    throw new ApiError(UNAVAILABLE, 0);
  }
  let parsed: unknown = {};
  try {
    parsed = await response.json();
  } catch {
    parsed = {};
  }
  return { status: response.status, body: typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {} };
}
