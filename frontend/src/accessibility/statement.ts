/**
 * The accessibility statement (déclaration d'accessibilité, mandatory under the RGAA), built at
 * build time from what axe-core found during the browser tests (audit.json, written by
 * `make accessibility`) and the checks recorded by hand (manual-checks.json).
 */

export interface Audit {
  readonly date: string;
  readonly tool: string;
  readonly pages: Readonly<Record<string, { readonly checks: number; readonly rules_passed: number; readonly violations: Readonly<Record<string, string | null>> }>>;
}

export interface ManualChecks {
  readonly referential: string;
  readonly contact: string;
  readonly checks: readonly { readonly criterion: string; readonly result: string; readonly how: string }[];
}

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function frenchDate(iso: string): string {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** "totalement", "partiellement" or "non conforme", as the RGAA names the levels. */
export function conformity(audit: Audit, manual: ManualChecks): string {
  const failing = Object.values(audit.pages).some((page) => Object.keys(page.violations).length > 0) || manual.checks.some((check) => check.result === "non conforme");
  const unchecked = manual.checks.some((check) => check.result === "non vérifié");
  if (failing) return "partiellement conforme";
  return unchecked ? "partiellement conforme" : "totalement conforme";
}

export function renderStatement(audit: Audit, manual: ManualChecks, pageLabels: Readonly<Record<string, string>>): string {
  const rows = Object.entries(audit.pages).map(([file, page]) => {
    const violations = Object.entries(page.violations);
    const found = violations.length === 0 ? "aucune erreur" : violations.map(([id, impact]) => `${escape(id)} (${escape(impact ?? "?")})`).join(", ");
    return `<tr><th scope="row"><a href="${escape(file)}">${escape(pageLabels[file] ?? file)}</a></th><td>${page.checks}</td><td>${found}</td></tr>`;
  });
  const checks = manual.checks.map((check) => `<tr><th scope="row">${escape(check.criterion)}</th><td>${escape(check.result)}</td><td>${escape(check.how)}</td></tr>`);
  return `<p>Le site « Les intelligences associées des territoires » est <strong>${conformity(audit, manual)}</strong> avec le ${escape(manual.referential)} (référentiel général d'amélioration de l'accessibilité).</p>
        <h2>Résultats des tests</h2>
        <p>Audit du ${frenchDate(audit.date)} : chaque page ci-dessous a été contrôlée par ${escape(audit.tool)} pendant les tests du site dans un navigateur (Chromium), sur des parcours réels ; les vérifications que l'outil ne sait pas faire ont été faites à la main.</p>
        <div class="table-wrap" tabindex="0"><table class="table">
          <caption>Contrôles automatiques, page par page</caption>
          <thead><tr><th scope="col">Page</th><th scope="col">Contrôles</th><th scope="col">Erreurs trouvées</th></tr></thead>
          <tbody>${rows.join("")}</tbody>
        </table></div>
        <div class="table-wrap" tabindex="0"><table class="table">
          <caption>Vérifications manuelles</caption>
          <thead><tr><th scope="col">Critère</th><th scope="col">Résultat</th><th scope="col">Comment</th></tr></thead>
          <tbody>${checks.join("")}</tbody>
        </table></div>
        <h2>Retour d'information et contact</h2>
        <p>Si vous ne parvenez pas à accéder à un contenu ou à un service, écrivez à <a href="mailto:${escape(manual.contact)}">${escape(manual.contact)}</a> : nous vous répondrons et vous proposerons une autre manière d'y accéder.</p>
        <h2>Voies de recours</h2>
        <p>Si vous avez signalé un défaut d'accessibilité sans obtenir de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (formulaire en ligne sur defenseurdesdroits.fr, ou par courrier gratuit : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07) ou contacter son délégué dans votre région.</p>`;
}
