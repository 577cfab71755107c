/**
 * Runtime configuration: the base addresses of the three APIs.
 *
 * Read from `config.json` next to the pages at every page load, never baked into the build, so
 * one build serves every environment (the container writes the file from its environment).
 */

export interface AppConfig {
  readonly catalogueUrl: string;
  readonly surveyUrl: string;
  readonly auditionsUrl: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

let pending: Promise<AppConfig> | undefined;

/** The configuration of this page, fetched once. */
export function loadConfig(): Promise<AppConfig> {
  pending ??= fetchConfig();
  return pending;
}

const UNAVAILABLE =
  "La configuration du site est introuvable : les données des services ne peuvent pas être affichées.";

async function fetchConfig(): Promise<AppConfig> {
  let raw: unknown;
  try {
    const response = await fetch(new URL("config.json", document.baseURI), { cache: "no-cache" });
    if (!response.ok) {
      throw new ConfigError(UNAVAILABLE);
    }
    raw = await response.json();
  } catch (error) {
    throw error instanceof ConfigError ? error : new ConfigError(UNAVAILABLE);
  }
  return {
    catalogueUrl: readBaseUrl(raw, "catalogue_url"),
    surveyUrl: readBaseUrl(raw, "survey_url"),
    auditionsUrl: readBaseUrl(raw, "auditions_url"),
  };
}

function readBaseUrl(raw: unknown, key: string): string {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(`La configuration du site est incomplète (${key} manquant).`);
  }
  let url: URL;
  try {
    url = new URL(value.trim(), document.baseURI);
  } catch {
    throw new ConfigError(`La configuration du site est invalide (${key}).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`La configuration du site est invalide (${key}).`);
  }
  return url.href.replace(/\/+$/, "");
}
