/**
 * The organisers' automatic scheduling: start a background run, follow its progress, read the
 * plan beside the current draft (with the hearings left out and why), apply all or part of it.
 * The section is built here and inserted before the draft grid.
 */

import { el, announce } from "../dom";
import { call, longDay, parisDay, parisTime } from "./api";

interface Finding { readonly kind: string; readonly message: string; readonly hearing_ids: readonly number[] }
interface Spot { readonly room: string; readonly starts_at: string; readonly ends_at: string; readonly members: readonly string[] }
interface PlanRow {
  readonly hearing_id: number;
  readonly title: string;
  readonly before: Spot | null;
  readonly after: Spot | null;
  readonly changed: boolean;
  readonly reason: string | null;
}
interface PlanView { readonly placed: number; readonly unplaced: number; readonly moved: readonly number[]; readonly hard_warnings: number; readonly rows: readonly PlanRow[] }
export interface SolverRun {
  readonly id: number;
  readonly kind: string;
  readonly status: string;
  readonly time_limit_seconds: number;
  readonly progress: number;
  readonly solver_status: string | null;
  readonly objective: number | null;
  readonly best_bound: number | null;
  readonly first_solution_seconds: number | null;
  readonly prechecks: readonly Finding[];
  readonly error: string | null;
  readonly applied_at: string | null;
  readonly plan: PlanView | null;
}

type Runner = (action: () => Promise<void>, done?: string) => Promise<void>;

const STATES: Record<string, string> = { queued: "En attente d'un calculateur", running: "Calcul en cours", done: "Calcul terminé", failed: "Calcul en échec" };
const QUALITY: Record<string, string> = { OPTIMAL: "meilleur plan possible (prouvé)", FEASIBLE: "meilleur plan trouvé dans le temps imparti", UNKNOWN: "aucun plan trouvé", INFEASIBLE: "aucun plan possible" };

function spotText(spot: Spot | null): string {
  if (!spot) return "Non placée";
  const members = spot.members.length ? ` — ${spot.members.join(", ")}` : "";
  return `${longDay(parisDay(spot.starts_at))}, ${parisTime(spot.starts_at)}–${parisTime(spot.ends_at)}, ${spot.room}${members}`;
}

export class SolverPanel {
  private readonly state = el("p", { attributes: { id: "calcul-etat", role: "status" } });
  private readonly progress = el("progress", { attributes: { id: "calcul-progression", max: "100", value: "0", "aria-labelledby": "calcul-progression-libelle" } });
  private readonly checks = el("div", { attributes: { id: "calcul-verifications" } });
  private readonly result = el("div", { attributes: { id: "calcul-resultat" } });
  private readonly kind = el("select", { attributes: { id: "calcul-type" } }, [
    el("option", { text: "Calculer un planning complet", attributes: { value: "plan" } }),
    el("option", { text: "Réparer la version publiée (déplacer le moins d'auditions possible)", attributes: { value: "repair" } }),
  ]);
  private readonly seconds = el("input", { attributes: { id: "calcul-duree", type: "number", min: "1", max: "300", value: "20", required: "" } });
  private timer: number | undefined;

  constructor(
    private readonly eventId: () => number,
    private readonly token: string | null,
    private readonly run: Runner,
    private readonly applied: () => Promise<void>,
  ) {}

  /** The section, inserted before `anchor`. */
  mount(anchor: HTMLElement): void {
    const form = el("form", { className: "aud-inline", attributes: { id: "calcul-formulaire" } }, [
      el("div", { className: "field" }, [el("label", { text: "Type de calcul", attributes: { for: "calcul-type" } }), this.kind]),
      el("div", { className: "field" }, [el("label", { text: "Durée maximale (secondes, 1 à 300)", attributes: { for: "calcul-duree" } }), this.seconds]),
      el("button", { className: "button", text: "Lancer le calcul", attributes: { type: "submit", id: "calcul-lancer" } }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.run(async () => {
        const started = await call<SolverRun>(`/events/${this.eventId()}/solver-runs`, {
          method: "POST", token: this.token, body: { kind: this.kind.value, time_limit_seconds: Number(this.seconds.value) },
        });
        this.show(started);
        this.poll(started.id);
      }, "Calcul lancé : il tourne en arrière-plan, le planning en cours ne change pas.");
    });
    const section = el("section", { className: "panel", attributes: { "aria-labelledby": "calcul-titre" } }, [
      el("h2", { text: "Placement automatique", attributes: { id: "calcul-titre" } }),
      el("p", { className: "hint", text: "Le calcul place les auditions en respectant les disponibilités, les salles, les membres requis et les auditions verrouillées. Il tourne en arrière-plan ; le planning en cours ne change que lorsque vous appliquez le résultat." }),
      form,
      this.state,
      el("p", {}, [el("span", { text: "Avancement : ", attributes: { id: "calcul-progression-libelle" } }), this.progress]),
      this.checks,
      this.result,
    ]);
    anchor.before(section);
  }

  /** The latest run of the event, if any (and its progress while it is still running). */
  async load(): Promise<void> {
    window.clearTimeout(this.timer);
    this.checks.replaceChildren();
    this.result.replaceChildren();
    announce(this.state, "");
    this.progress.value = 0;
    const list = await call<{ items: SolverRun[] }>(`/events/${this.eventId()}/solver-runs`, { token: this.token });
    const latest = list.items[0];
    if (!latest) return;
    const full = await call<SolverRun>(`/events/${this.eventId()}/solver-runs/${latest.id}`, { token: this.token });
    this.show(full);
    if (full.status === "queued" || full.status === "running") this.poll(full.id);
  }

  private poll(runId: number): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.run(async () => {
      const run = await call<SolverRun>(`/events/${this.eventId()}/solver-runs/${runId}`, { token: this.token });
      this.show(run);
      if (run.status === "queued" || run.status === "running") this.poll(runId);
    }), 1000);
  }

  private show(run: SolverRun): void {
    this.progress.value = Math.round(run.progress * 100);
    const quality = run.solver_status ? ` — ${QUALITY[run.solver_status] ?? run.solver_status}` : "";
    const what = run.kind === "repair" ? "Réparation" : "Planning";
    announce(this.state, `${what} n° ${run.id} : ${STATES[run.status] ?? run.status}${run.status === "done" ? quality : ""}.${run.error ? ` ${run.error}` : ""}`);
    this.checks.replaceChildren(...(run.prechecks.length ? [
      el("h3", { text: "Vérifications préalables" }),
      el("ul", {}, run.prechecks.map((f) => el("li", { text: f.message }))),
    ] : []));
    this.result.replaceChildren(...(run.plan ? this.planView(run, run.plan) : []));
  }

  private planView(run: SolverRun, plan: PlanView): HTMLElement[] {
    const final = run.status === "done";
    const moved = plan.rows.filter((r) => r.changed).length;
    const summary = el("p", {
      attributes: { id: "calcul-resume" },
      text: `${final ? "Plan" : "Meilleur plan à ce stade"} : ${plan.placed} audition(s) placée(s), ${plan.unplaced} laissée(s) de côté, `
        + `${moved} différente(s) du planning en cours, ${plan.hard_warnings} alerte(s) bloquante(s). `
        + `Objectif ${run.objective ?? "?"} (borne ${run.best_bound ?? "?"}, plus l'écart est petit, plus le plan est proche du meilleur possible).`
        + (run.first_solution_seconds !== null ? ` Premier plan en ${run.first_solution_seconds.toFixed(1)} s.` : ""),
    });
    const rows = plan.rows.map((row) => {
      const id = `calcul-choix-${row.hearing_id}`;
      const box = el("input", { attributes: { id, type: "checkbox", value: String(row.hearing_id) } });
      box.checked = row.changed;
      const change = row.after === null
        ? `Laissée de côté : ${row.reason ?? ""}`
        : row.changed ? (row.before ? "Déplacée" : "Placée") : "Inchangée";
      return el("tr", { className: row.changed ? "aud-plan-row--changed" : "" }, [
        el("td", {}, [box, el("label", { className: "sr-only", text: `Appliquer pour « ${row.title} »`, attributes: { for: id } })]),
        el("th", { text: row.title, attributes: { scope: "row" } }),
        el("td", { text: spotText(row.before) }),
        el("td", { text: row.after ? spotText(row.after) : "—" }),
        el("td", { text: change }),
      ]);
    });
    const table = el("div", { className: "aud-grid-wrap", attributes: { tabindex: "0", role: "region", "aria-label": "Comparaison des calculs" } }, [el("table", { className: "aud-table", attributes: { id: "calcul-comparaison" } }, [
      el("caption", { text: "Plan proposé comparé au planning en cours (heures de Paris) ; les lignes cochées seront appliquées" }),
      el("thead", {}, [el("tr", {}, ["Appliquer", "Audition", "Planning en cours", "Plan proposé", "Changement"].map((h) => el("th", { text: h, attributes: { scope: "col" } })))]),
      el("tbody", {}, rows),
    ])]);
    if (!final || run.applied_at) {
      return [summary, ...(run.applied_at ? [el("p", { text: "Ce plan a été appliqué au planning en cours." })] : []), table];
    }
    const applySome = el("button", { className: "button button--secondary", text: "Appliquer les lignes cochées", attributes: { type: "button", id: "calcul-appliquer-choix" } });
    const applyAll = el("button", { className: "button", text: "Appliquer tout le plan", attributes: { type: "button", id: "calcul-appliquer-tout" } });
    applySome.addEventListener("click", () => {
      const ids = [...table.querySelectorAll<HTMLInputElement>("input:checked")].map((b) => Number(b.value));
      void this.apply(run, ids);
    });
    applyAll.addEventListener("click", () => void this.apply(run, null));
    return [summary, table, el("p", { className: "aud-inline" }, [applyAll, applySome])];
  }

  private async apply(run: SolverRun, ids: number[] | null): Promise<void> {
    await this.run(async () => {
      const done = await call<{ applied: number; unplaced: number; hard_warnings: number }>(
        `/events/${this.eventId()}/solver-runs/${run.id}/apply`, { method: "POST", token: this.token, body: { hearing_ids: ids } },
      );
      await this.applied();
      const again = await call<SolverRun>(`/events/${this.eventId()}/solver-runs/${run.id}`, { token: this.token });
      this.show(again);
      announce(this.state, `Plan appliqué : ${done.applied} audition(s) placée(s), ${done.unplaced} retirée(s) de la grille ; `
        + `${done.hard_warnings} alerte(s) bloquante(s) dans le planning en cours.`);
    });
  }
}
