/**
 * The proof of work of the anonymous forms (ALTCHA, the pinned `altcha` widget): the browser
 * spends a fraction of a second of computation per send, which costs a robot sending thousands
 * of forms dearly and a person nothing. No third party (the challenge comes from the service
 * itself), no cookie, no tracking.
 *
 * `altcha/external` is the build without inline styles or workers, so the site's
 * Content-Security-Policy (script-src and style-src 'self') holds: its worker and its style
 * sheet are files of the site, like any other.
 */

import "altcha/external";
import "altcha/i18n/fr-fr";
import "altcha/altcha.css";
import Pbkdf2Worker from "altcha/workers/pbkdf2?worker";
import type { AltchaWidgetElement } from "altcha/types/generic";
import { baseUrl, type Service } from "./api";
import { loadConfig } from "./config";

/** The header that carries the solution (services/common/proof_of_work.py). */
export const PROOF_OF_WORK_HEADER = "Altcha";

$altcha.algorithms.set("PBKDF2/SHA-256", () => new Pbkdf2Worker());

export interface ProofOfWork {
  /** The solution of a fresh challenge, computed now if not done yet. */
  headers(): Promise<Record<string, string>>;
  /** A solution serves once: after each send, the next one needs a new challenge. */
  reset(): void;
}

/** Puts the widget into `container` and gives the headers an anonymous send must carry. */
export async function mountProofOfWork(container: HTMLElement, service: Service): Promise<ProofOfWork> {
  const config = await loadConfig();
  const widget = document.createElement("altcha-widget") as AltchaWidgetElement;
  // Attributes, read when the element mounts (configure() before that is not kept).
  widget.setAttribute("challenge", `${baseUrl(config, service)}/proof-of-work`);
  widget.setAttribute("language", "fr-fr");
  // Starts when the visitor reaches the form, so it is usually done before they send.
  widget.setAttribute("auto", "onfocus");
  widget.setAttribute("workers", "2");
  widget.setAttribute(
    "configuration",
    JSON.stringify({ hideFooter: true, hideLogo: true, humanInteractionSignature: false }),
  );
  container.append(widget);
  let payload: string | null = null;
  widget.addEventListener("verified", (event) => {
    payload = (event as CustomEvent<{ payload: string }>).detail.payload;
  });
  return {
    async headers() {
      payload ??= (await widget.verify())?.payload ?? null;
      if (!payload) throw new Error("La vérification anti-robot a échoué. Réessayez.");
      return { [PROOF_OF_WORK_HEADER]: payload };
    },
    reset() {
      payload = null;
      widget.reset();
    },
  };
}
