"""French administrative law for a system that takes part in individual decisions: the explicit
mention of CRPA art. L311-3-1 (its content: R311-3-1-1), ready to paste into the decision, and
the information to communicate on request under R311-3-1-2, generated from the published fiche
with what is missing named (`law/mention.json` holds the texts and their Légifrance ids)."""

from __future__ import annotations

from typing import Any

from services.catalogue import vocabularies
from services.catalogue.ai_act.references import load
from services.catalogue.fiche import UseCaseFields
from services.common.errors import Conflict


def field_label(name: str) -> str:
    """The French name of a field of the fiche, as the form shows it."""
    declared = vocabularies.BY_NAME.get(name)
    if declared is not None:
        return declared.label
    return (UseCaseFields.model_fields[name].description or name).rstrip(".")


def _value(content: dict[str, Any], name: str) -> str | None:
    value = content.get(name)
    if value in (None, "", []):
        return None
    if name in vocabularies.ALL and isinstance(value, str):
        return vocabularies.label(name, value)
    return str(value).strip()


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def applies(content: dict[str, Any], title: str) -> None:
    """Refuse (409) a fiche that does not declare individual decisions."""
    decisions = content.get("individual_decisions")
    if decisions is True:
        return
    said = "ne déclare pas" if decisions is None else "déclare ne fonder aucune"
    raise Conflict(
        f"La fiche « {title} » {said} de décision individuelle : la mention explicite "
        "(CRPA, art. L. 311-3-1) ne concerne que les décisions individuelles prises sur le "
        "fondement d'un traitement algorithmique."
    )


def mention(content: dict[str, Any], title: str, authority: str | None) -> dict[str, Any]:
    """The mention to paste, the information due on request, and what the fiche lacks."""
    reference = load("mention")
    missing: list[dict[str, Any]] = []
    parts: dict[str, str] = {}
    for part in reference["mention"]["parts"]:
        values = [v for v in (_value(content, name) for name in part["fields"]) if v]
        if not values:
            parts[part["id"]] = f"[{part['label'].lower()} à préciser]"
            missing += [
                {
                    "field": name,
                    "label": f"{field_label(name)} ({part['provision']})",
                    "blocking": True,
                }
                for name in part["fields"]
            ]
        else:
            parts[part["id"]] = " ".join(values)
    parts["goal"] = _sentence(parts["goal"])
    if not parts["channel"].startswith("["):
        parts["channel"] = f"auprès de {authority or 'la collectivité'} ({parts['channel']})"
    text = reference["mention"]["template"].format(
        title=title, authority=authority or "la collectivité", **parts
    )
    on_request = []
    for item in reference["on_request"]:
        given = {name: _value(content, name) for name in item["fields"]}
        lines = [f"{field_label(name)} : {value}" for name, value in given.items() if value]
        absent = [field_label(name) for name, value in given.items() if not value]
        on_request.append(
            {
                **{key: item[key] for key in ("id", "point", "label", "provision")},
                "text": _sentence(" ; ".join(lines)) if lines else None,
                "per_request": item.get("per_request"),
                "missing": absent,
            }
        )
        if not lines:
            missing.append(
                {
                    "field": item["fields"][0],
                    "label": f"{item['label']} ({item['provision']})",
                    "blocking": True,
                }
            )
    return {
        "mention": text,
        "mention_provision": reference["mention"]["provision"],
        "on_request": on_request,
        "reserve": reference["reserve"],
        "missing": missing,
        "sources": reference["sources"],
    }
