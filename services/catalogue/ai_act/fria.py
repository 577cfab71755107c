"""The fundamental rights impact assessment (FRIA, Art. 27) of a fiche: when it is due, the
guided form (the elements of Art. 27(1)(a)–(f), the Charter's rights gone through, the DPIA
link of Art. 27(4)), what stops it from being complete, and its reuse from another fiche
(Art. 27(2)), copied with its origin and marked to be reviewed.

Stored in `UseCase.fria` as `{version, updated_at, origin, form}`; `form` is `FriaForm` as a dict.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.catalogue.ai_act.dpia import Screening
from services.catalogue.ai_act.references import load
from services.catalogue.ai_act.standing import Duty, Standing, annex_iii_duty
from services.catalogue.models import UseCase
from services.catalogue.schemas.ai_act_documents import FriaForm
from services.common.errors import Conflict, Unprocessable

OBLIGATION = "art27_fria"
PROVISION = "Art. 27(1)"
# What a copy keeps: the assessment; never the other authority's registration details or DPIA.
_COPIED = ("elements", "rights", "summary")


def due(found: Standing) -> Duty:
    return annex_iii_duty(
        found,
        obligation=OBLIGATION,
        excluded_area=load("fria")["excluded_area"]["code"],
        provision=PROVISION,
    )


def version(use_case: UseCase) -> int:
    return int((use_case.fria or {}).get("version", 0))


def form_of(use_case: UseCase) -> dict[str, Any]:
    """The saved form, or an empty one."""
    stored = (use_case.fria or {}).get("form")
    return dict(stored) if stored else FriaForm().model_dump()


def missing(form: dict[str, Any], screening: Screening) -> list[dict[str, Any]]:
    """What the form lacks: `blocking` entries stop it from being declared complete."""
    reference = load("fria")
    found: list[dict[str, Any]] = [
        {
            "field": f"elements.{e['id']}",
            "label": f"{e['label']} ({e['provision']})",
            "blocking": True,
        }
        for e in reference["elements"]
        if not (form["elements"].get(e["id"]) or "").strip()
    ]
    examined = {r["code"] for r in form["rights"] if r["at_stake"] != "a_examiner"}
    pending = [r["label"] for r in reference["rights"] if r["code"] not in examined]
    if pending:
        found.append(
            {
                "field": "rights",
                "label": f"Droits de la Charte à examiner ({len(pending)}) : {', '.join(pending)}",
                "blocking": True,
            }
        )
    if not (form.get("summary") or "").strip():
        found.append({"field": "summary", "label": "Synthèse des conclusions", "blocking": True})
    if form.get("to_review"):
        found.append(
            {
                "field": "to_review",
                "label": "Analyse reprise d'une autre fiche : à revoir avant de la déclarer terminée (art. 27(2))",
                "blocking": True,
            }
        )
    if screening.result in ("requise", "probable") and not form["dpia"].get("url"):
        found.append(
            {"field": "dpia.url", "label": "Lien vers l'AIPD (art. 27(4))", "blocking": False}
        )
    return found


def _refuse_incomplete(form: dict[str, Any], screening: Screening) -> None:
    blocking = [m for m in missing(form, screening) if m["blocking"]]
    if form["state"] == "complete" and blocking:
        raise Unprocessable(
            "L'analyse ne peut pas être déclarée terminée : des éléments manquent. Rien n'a été "
            "enregistré ; enregistrez-la comme brouillon pour garder votre saisie.",
            extra={
                "errors": [
                    {
                        "loc": ["body", *m["field"].split(".")],
                        "msg": f"requis pour terminer : {m['label']}",
                        "type": "missing",
                    }
                    for m in blocking
                ]
            },
        )


def _store(use_case: UseCase, form: dict[str, Any], origin: Any, now: datetime) -> None:
    use_case.fria = {
        "version": version(use_case) + 1,
        "updated_at": now.isoformat(),
        "origin": origin,
        "form": form,
    }


def save(use_case: UseCase, form: FriaForm, screening: Screening, *, now: datetime) -> None:
    """Save the form as sent (refused whole, with what is missing, if declared complete early)."""
    values = form.model_dump()
    _refuse_incomplete(values, screening)
    _store(use_case, values, (use_case.fria or {}).get("origin"), now)


def copy_from(target: UseCase, source: UseCase, *, now: datetime) -> None:
    """Start the target's FRIA from the source's (a complete one its authority shares)."""
    if target.id == source.id:
        raise Conflict("Une fiche ne peut pas reprendre sa propre analyse d'impact.")
    theirs = form_of(source)
    if source.fria is None or theirs["state"] != "complete" or not theirs["shared"]:
        raise Conflict(
            f"La fiche « {source.title} » n'a pas d'analyse d'impact terminée que sa collectivité "
            "permette de reprendre."
        )
    copied = FriaForm().model_dump()
    copied.update({key: theirs[key] for key in _COPIED})
    copied["dpia"]["criteria"] = theirs["dpia"]["criteria"]
    copied["dpia"]["cnil_types"] = theirs["dpia"]["cnil_types"]
    copied["to_review"] = True
    assert source.id is not None
    origin = {
        "use_case_id": source.id,
        "slug": source.slug,
        "title": source.title,
        "local_authority_name": source.local_authority_name,
        "fria_version": version(source),
        "copied_at": now.isoformat(),
    }
    _store(target, copied, origin, now)
