/**
 * The resources the pages show, read from the APIs and checked at run time: an unexpected
 * shape becomes an `ApiError` with a French message, never a broken page.
 */

import { ApiError, requestJson, withQuery } from "./api";
import { bearerHeaders } from "./headers";

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export interface UseCase {
  readonly id: number;
  readonly title: string;
  readonly summary: string;
  readonly theme: string;
  readonly localAuthorityName: string;
  readonly publishedAt: string | null;
}

export type CampaignStatus = "open" | "closed" | "upcoming";

export interface Campaign {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly opensOn: string | null;
  readonly closesOn: string | null;
  readonly status: string;
  /** Its responses are generated, to illustrate the observatory (the demo campaign). */
  readonly isDemo: boolean;
}

export interface HearingEvent {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly startsOn: string | null;
  readonly endsOn: string | null;
  readonly location: string;
}

export interface Token {
  readonly accessToken: string;
  readonly expiresIn: number;
}

export interface Identity {
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
}

type Fields = Record<string, unknown>;

class ShapeError extends Error {}

function fields(value: unknown): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ShapeError("objet attendu");
  }
  return value as Fields;
}

function text(object: Fields, key: string): string {
  const value = object[key];
  if (typeof value !== "string") throw new ShapeError(`${key} : texte attendu`);
  return value;
}

function optionalText(object: Fields, key: string): string {
  const value = object[key];
  return typeof value === "string" ? value : "";
}

function optionalDate(object: Fields, key: string): string | null {
  const value = object[key];
  return typeof value === "string" && value !== "" ? value : null;
}

function integer(object: Fields, key: string): number {
  const value = object[key];
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ShapeError(`${key} : entier attendu`);
  }
  return value;
}

function parse<T>(raw: unknown, read: (value: unknown) => T): T {
  try {
    return read(raw);
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new ApiError("Le service a envoyé une réponse dans un format inattendu.", 200);
    }
    throw error;
  }
}

function readPage<T>(raw: unknown, readItem: (object: Fields) => T): Page<T> {
  const object = fields(raw);
  const items = object["items"];
  if (!Array.isArray(items)) throw new ShapeError("items : liste attendue");
  const parsed = items.map((item) => readItem(fields(item)));
  const total = integer(object, "total");
  const limit = typeof object["limit"] === "number" ? (object["limit"] as number) : parsed.length;
  const offset = typeof object["offset"] === "number" ? (object["offset"] as number) : 0;
  return { items: parsed, total, limit, offset };
}

function readUseCase(object: Fields): UseCase {
  return {
    id: integer(object, "id"),
    title: text(object, "title"),
    summary: optionalText(object, "summary"),
    theme: optionalText(object, "theme"),
    localAuthorityName: optionalText(object, "local_authority_name"),
    publishedAt: optionalDate(object, "published_at"),
  };
}

function readCampaign(object: Fields): Campaign {
  return {
    id: integer(object, "id"),
    title: text(object, "title"),
    description: optionalText(object, "description"),
    opensOn: optionalDate(object, "opens_on"),
    closesOn: optionalDate(object, "closes_on"),
    status: optionalText(object, "status"),
    isDemo: object["is_demo"] === true,
  };
}

function readEvent(object: Fields): HearingEvent {
  return {
    id: integer(object, "id"),
    title: text(object, "title"),
    description: optionalText(object, "description"),
    startsOn: optionalDate(object, "starts_on"),
    endsOn: optionalDate(object, "ends_on"),
    location: optionalText(object, "location"),
  };
}

export async function listUseCases(request: PageRequest & { readonly q?: string }): Promise<Page<UseCase>> {
  const path = withQuery("/use-cases", { limit: request.limit, offset: request.offset, q: request.q?.trim() });
  const raw = await requestJson("catalogue", path);
  return parse(raw, (value) => readPage(value, readUseCase));
}

export async function listCampaigns(request: PageRequest): Promise<Page<Campaign>> {
  const raw = await requestJson("survey", withQuery("/campaigns", { ...request }));
  return parse(raw, (value) => readPage(value, readCampaign));
}

export async function listEvents(request: PageRequest): Promise<Page<HearingEvent>> {
  const raw = await requestJson("auditions", withQuery("/events", { ...request }));
  return parse(raw, (value) => readPage(value, readEvent));
}

/** Exchanges an e-mail and a password for a bearer token (OAuth2 password form). */
export async function requestToken(email: string, password: string): Promise<Token> {
  const raw = await requestJson("catalogue", "/auth/token", {
    method: "POST",
    body: new URLSearchParams({ username: email, password }),
  });
  return parse(raw, (value) => {
    const object = fields(value);
    const expiresIn = object["expires_in"];
    return {
      accessToken: text(object, "access_token"),
      expiresIn: typeof expiresIn === "number" && expiresIn > 0 ? expiresIn : 3600,
    };
  });
}

/** Who the bearer token belongs to. */
export async function fetchIdentity(accessToken: string): Promise<Identity> {
  const raw = await requestJson("catalogue", "/auth/me", {
    headers: bearerHeaders(accessToken),
  });
  return parse(raw, (value) => {
    const object = fields(value);
    const roles = object["roles"];
    return {
      email: text(object, "email"),
      name: optionalText(object, "name"),
      roles: Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : [],
    };
  });
}
