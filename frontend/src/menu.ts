/**
 * The menu of every page, once someone is signed in: "Connexion" gives way to the consoles the
 * person's roles open and "Se déconnecter". Loaded by every page (site.ts puts it in the header).
 */

import { consolesFor } from "./consoles";
import { clearToken, loadRoles } from "./session";

function staffMenu(): void {
  const list = document.querySelector<HTMLElement>(".site-nav__list");
  const signIn = list?.querySelector<HTMLAnchorElement>('a[href="connexion.html"]')?.closest("li");
  const roles = loadRoles();
  if (!list || !signIn || roles.length === 0) return;
  const here = window.location.pathname.split("/").pop() ?? "";
  const items = consolesFor(roles).map((console) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = console.file;
    link.textContent = console.label;
    if (console.file === here) link.setAttribute("aria-current", "page");
    item.append(link);
    return item;
  });
  const out = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "site-nav__button";
  button.textContent = "Se déconnecter";
  button.addEventListener("click", () => {
    clearToken();
    window.location.href = "connexion.html";
  });
  out.append(button);
  signIn.replaceWith(...items, out);
}

staffMenu();
