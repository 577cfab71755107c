"""The DPIA (AIPD) screening: is a data protection impact assessment required or likely?

From the CNIL's list of processing operations that require one (GDPR Art. 35(4)) and the nine
criteria of the WP248 rev.01 guidelines, two of which met make one likely (`law/dpia.json`).
The screening answers live in the FRIA form's `dpia` section; the fiche suggests criteria
(shown as such, never ticked for the user).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.catalogue.ai_act.references import load
from services.catalogue.ai_act.standing import Standing

# Annex III areas whose persons are, as a rule, vulnerable in the WP248 sense (WP248, criterion
# 7: those who depend on the controller: applicants for aid, pupils, employees).
_VULNERABLE_AREAS = {"services_essentiels", "education_formation", "emploi"}
_NOT_AI = {"regles", "robotique_rpa"}


@dataclass
class Screening:
    result: str
    text: str
    threshold: int
    criteria: list[dict[str, str]] = field(default_factory=list)
    cnil_types: list[dict[str, str]] = field(default_factory=list)
    suggested: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)


def codes(kind: str) -> set[str]:
    """The codes of the criteria ("criteria") or of the CNIL's list ("cnil_list")."""
    return {entry["code"] for entry in load("dpia")[kind]}


def _suggested(content: dict[str, Any], found: Standing) -> list[tuple[str, str]]:
    hints = []
    if content.get("ai_technology") and content["ai_technology"] not in _NOT_AI:
        hints.append(("usage_innovant", "La fiche décrit un système d'IA."))
    if content.get("automation_level") == "entierement_automatisee":
        hints.append(
            ("decision_automatisee", "La fiche déclare des décisions entièrement automatisées.")
        )
    if _VULNERABLE_AREAS & set(found.areas):
        hints.append(
            (
                "personnes_vulnerables",
                "Le domaine de l'annexe III concerne des demandeurs, des élèves ou des agents.",
            )
        )
    return hints


def screen(section: dict[str, Any] | None, content: dict[str, Any], found: Standing) -> Screening:
    """The result of the screening answers (None: not screened yet), with the criteria shown."""
    reference = load("dpia")
    section = section or {}
    ticked, listed = section.get("criteria"), section.get("cnil_types")
    met = [c for c in reference["criteria"] if c["code"] in (ticked or [])]
    types = [t for t in reference["cnil_list"] if t["code"] in (listed or [])]
    labels = {c["code"]: c["label"] for c in reference["criteria"]}
    suggested = [
        {"code": code, "label": labels[code], "why": why}
        for code, why in _suggested(content, found)
    ]
    if types:
        result = "requise"
    elif len(met) >= reference["threshold"]:
        result = "probable"
    elif content.get("personal_data") == "aucune" and not met:
        result = "sans_objet"
    elif ticked is None and listed is None:
        result = "non_renseigne"
    else:
        result = "a_examiner" if met else "non_presumee"
    return Screening(
        result=result,
        text=reference["results"][result],
        threshold=reference["threshold"],
        criteria=[{k: c[k] for k in ("code", "label", "source")} for c in met],
        cnil_types=[{"code": t["code"], "label": t["label"]} for t in types],
        suggested=suggested,
        sources=reference["sources"],
    )
