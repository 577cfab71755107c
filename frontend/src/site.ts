/**
 * The pages of the site and the header, navigation and footer they share.
 *
 * Used at build time only (by the layout plugin of vite.config.ts), so every page ships its
 * header and navigation as plain HTML: readable without JavaScript, nothing to render at load.
 * Nothing here comes from an API, so building HTML as text is safe.
 */

export const PLAN_NAME = "Les intelligences associées des territoires";

export interface SitePage {
  /** File name of the page, relative to the site root. */
  readonly file: string;
  /** Label of the page in the navigation. */
  readonly label: string;
  /** False for pages reached by a link (personal links, staff consoles), not from the menu. */
  readonly nav?: false;
  /** A page used on a phone for a long task (answering): a compact header, the menu folded. */
  readonly compact?: true;
  /** Linked from the footer of every page (what a French public service must show). */
  readonly footer?: true;
}

export const PAGES: readonly SitePage[] = [
  { file: "index.html", label: "Accueil" },
  { file: "catalogue.html", label: "Bibliothèque d'IA territorialisées" },
  { file: "observatoire.html", label: "Observatoire des usages" },
  { file: "auditions.html", label: "Auditions nationales" },
  { file: "connexion.html", label: "Connexion" },
  { file: "disponibilites.html", label: "Vos disponibilités (auditions)", nav: false },
  { file: "auditions-console.html", label: "Console des auditions", nav: false },
  { file: "repondre.html", label: "Répondre au questionnaire", nav: false, compact: true },
  { file: "enquetes-console.html", label: "Console des enquêtes", nav: false },
  { file: "observatoire-campagne.html", label: "Résultats d'une campagne", nav: false },
  { file: "fiche.html", label: "Fiche cas d'usage", nav: false },
  { file: "proposer.html", label: "Proposer un cas d'usage", nav: false },
  { file: "fiche-modifier.html", label: "Modifier votre fiche", nav: false },
  { file: "qualification.html", label: "Qualifier au regard du règlement IA", nav: false, compact: true },
  { file: "fria.html", label: "Analyse d'impact sur les droits fondamentaux", nav: false },
  { file: "collectivite.html", label: "Collectivité", nav: false },
  { file: "moderation.html", label: "Modération de la bibliothèque", nav: false },
  { file: "accessibilite.html", label: "Accessibilité", nav: false, footer: true },
  { file: "mentions-legales.html", label: "Mentions légales", nav: false, footer: true },
  { file: "donnees-personnelles.html", label: "Données personnelles", nav: false, footer: true },
  { file: "contact.html", label: "Contact", nav: false, footer: true },
  { file: "plan-du-site.html", label: "Plan du site", nav: false, footer: true },
];

function href(file: string): string {
  return file === "index.html" ? "./" : file;
}

/** The skip link, the header with the plan name and the main navigation. */
export function renderHeader(currentFile: string): string {
  const page = PAGES.find((candidate) => candidate.file === currentFile);
  if (!page) {
    throw new Error(`Page inconnue de la navigation : ${currentFile}`);
  }
  const links = PAGES.filter((page) => page.nav !== false).map((page) => {
    const current = page.file === currentFile ? ' aria-current="page"' : "";
    return `<li><a href="${href(page.file)}"${current}>${page.label}</a></li>`;
  }).join("\n          ");
  if (page.compact) {
    return `<a class="skip-link" href="#contenu">Aller au contenu</a>
    <script type="module" src="/src/menu.ts"></script>
    <header class="site-header site-header--compact">
      <div class="container site-header__inner">
        <a class="site-title" href="./">${PLAN_NAME}</a>
        <details class="site-menu">
          <summary>Menu</summary>
          <nav class="site-nav" aria-label="Navigation principale">
            <ul class="site-nav__list">
              ${links}
            </ul>
          </nav>
        </details>
      </div>
    </header>`;
  }
  return `<a class="skip-link" href="#contenu">Aller au contenu</a>
    <script type="module" src="/src/menu.ts"></script>
    <header class="site-header">
      <div class="container site-header__inner">
        <a class="site-title" href="./">${PLAN_NAME}</a>
        <p class="site-tagline">Plan national pour observer et partager les usages de l'IA dans les collectivités</p>
      </div>
      <nav class="site-nav" aria-label="Navigation principale">
        <ul class="container site-nav__list">
          ${links}
        </ul>
      </nav>
    </header>`;
}

/**
 * The footer shared by every page, with the pages a French public service must show; the
 * accessibility link states the conformity level, as the RGAA requires.
 */
export function renderFooter(conformity: string): string {
  const label = (page: SitePage): string => (page.file === "accessibilite.html" ? `${page.label} : ${conformity}` : page.label);
  const links = PAGES.filter((page) => page.footer).map((page) => `<li><a href="${href(page.file)}">${label(page)}</a></li>`).join("");
  return `<footer class="site-footer">
      <div class="container">
        <p>${PLAN_NAME} : plan d'action national annoncé le 6 juillet 2023 par Les Interconnectés, France urbaine et Intercommunalités de France.</p>
        <p>Les données de la bibliothèque sont publiées en données ouvertes.</p>
        <nav aria-label="Informations sur le site"><ul class="site-footer__links">${links}</ul></nav>
      </div>
    </footer>`;
}

/** The site map: every page reached from the menu or the footer, and what the others are. */
export function renderSiteMap(): string {
  const item = (page: SitePage): string => `<li><a href="${href(page.file)}">${page.label}</a></li>`;
  const menu = PAGES.filter((page) => page.nav !== false).map(item).join("");
  const footer = PAGES.filter((page) => page.footer).map(item).join("");
  return `<h2>Pages du menu</h2>
        <ul>${menu}</ul>
        <h2>Informations sur le site</h2>
        <ul>${footer}</ul>
        <h2>Pages atteintes par un lien</h2>
        <p>Une fiche de la bibliothèque, les résultats d'une campagne et la page d'une collectivité s'ouvrent depuis la bibliothèque et l'observatoire ; la page de réponse à un questionnaire et celle des disponibilités s'ouvrent par le lien personnel reçu par courriel ; les consoles du personnel s'ouvrent après la <a href="connexion.html">connexion</a>. Les <a href="qualification.html">règles de qualification au regard du règlement IA</a>, et leur version, sont publiques.</p>`;
}
