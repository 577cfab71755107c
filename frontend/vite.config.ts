import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { type Audit, conformity, type ManualChecks, renderStatement } from "./src/accessibility/statement.ts";
import { PAGES, renderFooter, renderHeader, renderSiteMap } from "./src/site.ts";

const HEADER_SLOT = "<!-- site:header -->";
const FOOTER_SLOT = "<!-- site:footer -->";
const MAP_SLOT = "<!-- site:map -->";
const STATEMENT_SLOT = "<!-- site:accessibility -->";

const readJson = (file: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf-8"));

const audit = (): Audit => readJson("src/accessibility/audit.json") as Audit;
const manualChecks = (): ManualChecks => readJson("src/accessibility/manual-checks.json") as ManualChecks;

/** The accessibility statement, from the browser tests' axe records and the manual checks. */
function statement(): string {
  const labels = Object.fromEntries(PAGES.map((page) => [page.file, page.label]));
  return renderStatement(audit(), manualChecks(), labels);
}

/** Puts the shared header, navigation and footer into every page, as static HTML. */
function siteLayout(): Plugin {
  return {
    name: "iat-site-layout",
    transformIndexHtml: {
      order: "pre",
      handler(html, ctx) {
        const file = ctx.path.split("/").pop() || "index.html";
        if (!html.includes(HEADER_SLOT) || !html.includes(FOOTER_SLOT)) {
          throw new Error(`${file} doit contenir ${HEADER_SLOT} et ${FOOTER_SLOT}`);
        }
        return html
          .replace(HEADER_SLOT, renderHeader(file))
          .replace(FOOTER_SLOT, renderFooter(conformity(audit(), manualChecks())))
          .replace(MAP_SLOT, () => renderSiteMap())
          .replace(STATEMENT_SLOT, () => statement());
      },
    },
  };
}

/**
 * The security headers of every page (frontend/security-headers.json, also used by nginx.conf
 * and the browser tests' server), with the API addresses of public/config.json allowed to be
 * fetched: `make up` serves the site with them, as nginx does in production.
 */
function securityHeaders(): Record<string, string> {
  const read = (file: string): unknown =>
    JSON.parse(readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf-8"));
  const headers = read("security-headers.json") as Record<string, string>;
  const apiOrigins = Object.values(read("public/config.json") as Record<string, string>).join(" ");
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, value.replace("{api_origins}", apiOrigins)]),
  );
}

export default defineConfig({
  // Relative base: the built site works at any path, behind nginx or a plain file server.
  base: "./",
  plugins: [siteLayout()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // One style sheet for the whole site, cached once.
    cssCodeSplit: false,
    rolldownOptions: {
      input: Object.fromEntries(
        PAGES.map((page) => [
          page.file.replace(/\.html$/, ""),
          fileURLToPath(new URL(page.file, import.meta.url)),
        ]),
      ),
    },
  },
  preview: {
    host: "127.0.0.1",
    port: 8000,
    strictPort: true,
    headers: securityHeaders(),
  },
});
