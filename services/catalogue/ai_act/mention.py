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


def _missing(field: str, label: str) -> dict[str, Any]:
    return {"field": field, "label": label, "blocking": True}


def _mention_text(
    reference: dict[str, Any], content: dict[str, Any], title: str, authority: str | None
) -> tuple[str, list[dict[str, Any]]]:
    """The mention of R311-3-1-1, a part the fiche lacks shown as "[… à préciser]"."""
    missing: list[dict[str, Any]] = []
    parts: dict[str, str] = {}
    for part in reference["mention"]["parts"]:
        values = [v for v in (_value(content, name) for name in part["fields"]) if v]
        parts[part["id"]] = " ".join(values) or f"[{part['label'].lower()} à préciser]"
        if not values:
            missing += [
                _missing(name, f"{field_label(name)} ({part['provision']})")
                for name in part["fields"]
            ]
    parts["goal"] = _sentence(parts["goal"])
    if not parts["channel"].startswith("["):
        parts["channel"] = f"auprès de {authority or 'la collectivité'} ({parts['channel']})"
    text = reference["mention"]["template"].format(
        title=title, authority=authority or "la collectivité", **parts
    )
    return text, missing


def _on_request(
    reference: dict[str, Any], content: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The four points of R311-3-1-2, each from the fiche's fields, with those it lacks."""
    items, missing = [], []
    for item in reference["on_request"]:
        given = {name: _value(content, name) for name in item["fields"]}
        lines = [f"{field_label(name)} : {value}" for name, value in given.items() if value]
        items.append(
            {
                **{key: item[key] for key in ("id", "point", "label", "provision")},
                "text": _sentence(" ; ".join(lines)) if lines else None,
                "per_request": item.get("per_request"),
                "missing": [field_label(name) for name, value in given.items() if not value],
            }
        )
        if not lines:
            missing.append(_missing(item["fields"][0], f"{item['label']} ({item['provision']})"))
    return items, missing


def mention(content: dict[str, Any], title: str, authority: str | None) -> dict[str, Any]:
    """The mention to paste, the information due on request, and what the fiche lacks."""
    reference = load("mention")
    text, missing = _mention_text(reference, content, title, authority)
    on_request, not_said = _on_request(reference, content)
    return {
        "mention": text,
        "mention_provision": reference["mention"]["provision"],
        "on_request": on_request,
        "reserve": reference["reserve"],
        "missing": missing + not_said,
        "sources": reference["sources"],
    }
