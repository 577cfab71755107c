/** Staff sign-in: e-mail and password for a bearer token, then who that token belongs to. */

import { ApiError, errorMessage } from "../api";
import { announce, byId, showError } from "../dom";
import { consolesFor, returnPage } from "../consoles";
import { el } from "../dom";
import { fetchIdentity, requestToken, type Identity } from "../resources";
import { clearToken, loadToken, saveRoles, saveToken } from "../session";
import { PAGES } from "../site";

const form = byId("formulaire-connexion", HTMLFormElement);
const email = byId("courriel", HTMLInputElement);
const password = byId("mot-de-passe", HTMLInputElement);
const submit = byId("connexion-envoyer", HTMLButtonElement);
const status = byId("connexion-etat", HTMLElement);
const error = byId("connexion-erreur", HTMLElement);
const signedIn = byId("session", HTMLElement);
const signedInHeading = byId("session-titre", HTMLElement);
const identityText = byId("session-identite", HTMLElement);
const signOut = byId("deconnexion", HTMLButtonElement);
const consoles = byId("session-consoles", HTMLElement);

function describe(identity: Identity): string {
  const roles = identity.roles.length > 0 ? identity.roles.join(", ") : "aucun";
  return `Connecté en tant que ${identity.email} (rôles : ${roles})`;
}

function showSignedIn(identity: Identity, moveFocus: boolean): void {
  identityText.textContent = describe(identity);
  const open = consolesFor(identity.roles);
  consoles.replaceChildren(...open.map((console) => el("li", {}, [el("a", { text: console.label, attributes: { href: console.file } })])));
  consoles.hidden = open.length === 0;
  signedIn.hidden = false;
  form.hidden = true;
  if (moveFocus) signedInHeading.focus();
}

function showSignedOut(): void {
  signedIn.hidden = true;
  form.hidden = false;
  identityText.textContent = "";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void signIn();
});

async function signIn(): Promise<void> {
  showError(error, "");
  if (!form.reportValidity()) return;
  submit.disabled = true;
  form.setAttribute("aria-busy", "true");
  announce(status, "Connexion en cours…");
  try {
    const token = await requestToken(email.value.trim(), password.value);
    saveToken(token.accessToken, token.expiresIn);
    const identity = await fetchIdentity(token.accessToken);
    password.value = "";
    saveRoles(identity.roles);
    // Back to the page that asked for a sign-in, or to the one console the person's roles open.
    const next = returnPage(window.location.search, PAGES.map((page) => page.file)) ?? (consolesFor(identity.roles).length === 1 ? consolesFor(identity.roles)[0]?.file : null);
    if (next) {
      window.location.assign(next);
      return;
    }
    announce(status, "Connexion réussie.");
    showSignedIn(identity, true);
  } catch (failure) {
    clearToken();
    announce(status, "");
    showError(error, errorMessage(failure));
    password.focus();
  } finally {
    submit.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

signOut.addEventListener("click", () => {
  clearToken();
  showSignedOut();
  announce(status, "Vous êtes déconnecté.");
  email.focus();
});

async function restore(): Promise<void> {
  const token = loadToken();
  if (token === null) return;
  announce(status, "Vérification de votre session…");
  try {
    const identity = await fetchIdentity(token);
    saveRoles(identity.roles);
    showSignedIn(identity, false);
    announce(status, "");
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) {
      clearToken();
      announce(status, "Votre session a expiré : reconnectez-vous.");
    } else {
      announce(status, "");
      showError(error, errorMessage(failure));
    }
  }
}

void restore();
