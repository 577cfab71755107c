import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { PAGES, renderFooter, renderHeader } from "./src/site.ts";

const HEADER_SLOT = "<!-- site:header -->";
const FOOTER_SLOT = "<!-- site:footer -->";

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
        return html.replace(HEADER_SLOT, renderHeader(file)).replace(FOOTER_SLOT, renderFooter());
      },
    },
  };
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
  },
});
