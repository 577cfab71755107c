"""What a fiche is under the AI Act, as the documents need it: from its qualification through the
engine when one is complete, else from the fields the contributor declared (said so: `basis`).

A qualification is stored as `{answers, rules_version, outcome, qualified_at}`, `outcome` being
`engine.Outcome` as a dict; its tags name the Annex III areas ("annex_iii_area:<code>") and
points ("annex_iii:5_a"), its obligations carry the duties' ids ("art27_fria",
"art49_registration") with the date each applies from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from services.catalogue.models import UseCase

Basis = Literal["qualification", "declaration"]
DEPLOYER_ROLES = (None, "deployeur", "deployeur_et_fournisseur")


@dataclass(frozen=True)
class Standing:
    basis: Basis
    ai_act_class: str | None
    role: str | None
    areas: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    # By id, the obligations of the qualification (none for a declaration).
    obligations: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules_version: str | None = None

    @property
    def deploys(self) -> bool:
        """The authority uses the system (a fiche without a role is its porteur's use)."""
        return self.role in DEPLOYER_ROLES


def _tagged(tags: list[str], kind: str) -> tuple[str, ...]:
    prefix = f"{kind}:"
    return tuple(tag[len(prefix) :] for tag in tags if tag.startswith(prefix))


def standing(use_case: UseCase, content: dict[str, Any]) -> Standing:
    """The fiche's class, role and Annex III areas, and where they come from."""
    qualification = use_case.qualification or {}
    outcome = qualification.get("outcome") or {}
    if outcome.get("complete"):
        tags = list(outcome.get("tags") or [])
        return Standing(
            basis="qualification",
            ai_act_class=outcome.get("ai_act_class"),
            role=outcome.get("role"),
            areas=_tagged(tags, "annex_iii_area"),
            points=_tagged(tags, "annex_iii"),
            obligations={o["id"]: o for o in outcome.get("obligations") or []},
            rules_version=qualification.get("rules_version"),
        )
    area = content.get("annex_iii_area")
    return Standing(
        basis="declaration",
        ai_act_class=content.get("ai_act_class"),
        role=content.get("ai_act_role"),
        areas=(area,) if area else (),
    )


@dataclass(frozen=True)
class Duty:
    """Whether a deployer's duty of Annex III systems applies to the fiche, and why."""

    due: bool
    reason: str
    provision: str
    basis: Basis
    applies_from: str | None = None
    date_label: str | None = None


def _why_not(found: Standing, excluded_area: str) -> str | None:
    if found.ai_act_class != "haut_risque":
        shown = found.ai_act_class or "non renseignée"
        return f"Le système n'est pas à haut risque (classe : {shown})."
    if not found.areas:
        return "Le système n'est pas à haut risque au titre de l'annexe III (art. 6(2))."
    if all(area == excluded_area for area in found.areas):
        return "Le système relève du point 2 de l'annexe III (infrastructures critiques), exclu."
    if not found.deploys:
        return (
            "La collectivité fournit le système sans l'utiliser : ce devoir est celui du déployeur."
        )
    return None


def annex_iii_duty(found: Standing, *, obligation: str, excluded_area: str, provision: str) -> Duty:
    """A duty of public-law deployers of Annex III systems (all areas but `excluded_area`).

    A complete qualification decides by its obligations (the rule set names `obligation`);
    declared fields decide by the same conditions as the article: the porteur of a fiche is
    always a local authority, a body governed by public law.
    """
    if found.basis == "qualification":
        duty = found.obligations.get(obligation)
        if duty is not None:
            return Duty(
                True,
                f"Requis d'après la qualification (règles {found.rules_version}) : {duty['title']}.",
                duty.get("provision") or provision,
                found.basis,
                duty.get("applies_from"),
                duty.get("date_label"),
            )
        why = _why_not(found, excluded_area) or "La qualification ne retient pas ce devoir."
        return Duty(False, why, provision, found.basis)
    reason = _why_not(found, excluded_area)
    if reason is not None:
        return Duty(
            False, f"{reason} (d'après les champs déclarés de la fiche)", provision, found.basis
        )
    return Duty(
        True,
        "Requis d'après les champs déclarés de la fiche : une collectivité (organisme de droit "
        "public) déploie un système à haut risque de l'annexe III. Qualifiez la fiche pour le "
        "confirmer.",
        provision,
        found.basis,
    )
