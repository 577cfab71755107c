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
  { file: "collectivite.html", label: "Collectivité", nav: false },
  { file: "moderation.html", label: "Modération de la bibliothèque", nav: false },
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

/** The footer shared by every page. */
export function renderFooter(): string {
  return `<footer class="site-footer">
      <div class="container">
        <p>${PLAN_NAME} : plan d'action national annoncé le 6 juillet 2023 par Les Interconnectés, France urbaine et Intercommunalités de France.</p>
        <p>Les données de la bibliothèque sont publiées en données ouvertes.</p>
      </div>
    </footer>`;
}
