/**
 * The observatory's charts, drawn by Observable Plot: each estimate as a dot on its 95 %
 * interval, its value and unweighted n written beside it, hidden cells written out as
 * "secret statistique". One colour (the text's): nothing is told by colour alone.
 *
 * Plot adds a <style> element to every chart, which the site's Content-Security-Policy forbids:
 * the chart is drawn in an inert document, that element removed (observatory.css holds the
 * same rules), then the chart is adopted by the page.
 */

import * as Plot from "@observablehq/plot";

export interface Bar {
  readonly label: string;
  readonly estimate: number | null;
  readonly low: number | null;
  readonly high: number | null;
  /** What is written beside the dot: "16,3 % (n = 2 003)", or "secret statistique". */
  readonly caption: string;
}

const inert = document.implementation.createHTMLDocument("graphique");

/** An accessible SVG chart of `bars` on a [0, max] scale. */
export function intervalChart(bars: readonly Bar[], options: { max: number; unit: string; title: string }): SVGSVGElement {
  const shown = bars.filter((bar) => bar.estimate !== null);
  const longest = Math.max(8, ...bars.map((bar) => bar.label.length));
  const marginLeft = Math.min(260, 12 + 6.2 * longest);
  const chart = Plot.plot({
    document: inert,
    width: 640,
    height: 36 + 26 * bars.length,
    marginLeft,
    marginRight: 150,
    x: { domain: [0, options.max], label: options.unit, grid: true },
    y: { domain: bars.map((bar) => bar.label), label: null },
    marks: [
      Plot.ruleY(shown, { y: "label", x1: "low", x2: "high", stroke: "currentColor", strokeWidth: 2 }),
      Plot.tickX(shown, { y: "label", x: "low", stroke: "currentColor" }),
      Plot.tickX(shown, { y: "label", x: "high", stroke: "currentColor" }),
      Plot.dot(shown, { y: "label", x: "estimate", fill: "currentColor", r: 4 }),
      Plot.text(bars, {
        y: "label",
        x: (bar: Bar) => bar.high ?? 0,
        text: "caption",
        textAnchor: "start",
        dx: 8,
        fontSize: 12,
      }),
    ],
  }) as SVGSVGElement;
  chart.querySelector("style")?.remove();
  // The chart is one image with one name (the table holds the figures): Plot's labels of its
  // inner groups would be ARIA on elements without a role.
  for (const node of chart.querySelectorAll("[aria-label], [aria-description]")) {
    node.removeAttribute("aria-label");
    node.removeAttribute("aria-description");
  }
  const svg = document.importNode(chart, true);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${options.title} : graphique des estimations et de leurs intervalles de confiance à 95 % (les valeurs figurent dans le tableau).`);
  svg.classList.add("observatory-chart");
  return svg;
}
