// Runs frontend/src/survey/rules.ts on services/survey/expressions/vectors.json (or on the file
// given as argument, with the same shape: expressions and expression_defaults at least) and
// prints what it answers, as JSON, for tests/survey/ to compare with the expected.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../..");
const require = createRequire(join(root, "frontend", "package.json"));
const ts = require("typescript");

const source = readFileSync(join(root, "frontend/src/survey/rules.ts"), "utf8");
const { outputText } = ts.transpileModule(source, {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
});
const folder = mkdtempSync(join(tmpdir(), "rules-"));
const file = join(folder, "rules.mjs");
writeFileSync(file, outputText);
// NaN and the infinities, which JSON cannot hold, as vectors.json writes them.
const encoded = (value) =>
  typeof value === "number" && !Number.isFinite(value) ? { number: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" } : value;

try {
  const rules = await import(pathToFileURL(file).href);
  const path = process.argv[2] ?? join(root, "services/survey/expressions/vectors.json");
  const vectors = { values: [], relevance: [], ...JSON.parse(readFileSync(path, "utf8")) };
  const flats = vectors.definition ? rules.flatten(vectors.definition) : [];
  const byKey = new Map(flats.map((flat) => [flat.key, flat]));
  const out = {
    expressions: vectors.expressions.map((own) => {
      const c = { ...vectors.expression_defaults, ...own };
      return {
        value: encoded(rules.evaluateValue(c.expression, c.answers, c.org, c.today)),
        truth: rules.evaluate(c.expression, c.answers, c.org, c.today),
      };
    }),
    values: vectors.values.map((c) =>
      rules.checkAnswer(vectors.definition, byKey.get(c.key), { ...c.answers, [c.key]: c.value }, c.org, c.complete),
    ),
    relevance: vectors.relevance.map((c) => {
      const { kept, relevant } = rules.relevantAnswers(flats, c.answers, c.org);
      return { kept, relevant: [...relevant].sort() };
    }),
  };
  process.stdout.write(JSON.stringify(out));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
