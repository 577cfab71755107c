"""The EU database registration pack (Art. 49(3), Art. 71, Annex VIII, Section C): every field a
public-authority deployer of an Annex III system enters, filled from the fiche, its FRIA and its
qualification, or named as missing. In the non-public section of Art. 49(4), points 1 to 3 only.
"""

from __future__ import annotations

from typing import Any

from services.catalogue.ai_act.references import load
from services.catalogue.ai_act.standing import Duty, Standing, annex_iii_duty
from services.catalogue.fiche import find_local_authority

OBLIGATION = "art49_registration"
PROVISION = "Art. 49(3)"


def due(found: Standing) -> Duty:
    return annex_iii_duty(
        found,
        obligation=OBLIGATION,
        excluded_area=load("registration")["excluded_area"]["code"],
        provision=PROVISION,
    )


def _joined(parts: dict[str, str | None]) -> tuple[str | None, list[str]]:
    """The parts given, joined, and the names of those missing."""
    given = [value.strip() for value in parts.values() if value and value.strip()]
    return (" — ".join(given) or None), [name for name, value in parts.items() if not value]


def _deployer(
    content: dict[str, Any], fallback: str | None, deployer: dict[str, Any]
) -> dict[str, Any]:
    code = content.get("local_authority_code")
    territory = find_local_authority(code, content.get("local_authority_kind")) if code else None
    name = territory.name if territory else fallback
    value, absent = _joined(
        {
            "nom": name,
            "adresse": deployer.get("address"),
            "coordonnées": deployer.get("contact") or content.get("contact_url"),
        }
    )
    return {"value": value, "absent": absent}


def _values(
    content: dict[str, Any], authority: str | None, form: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    deployer = form["deployer"]
    submitter, submitter_absent = _joined(
        {
            "nom": deployer.get("submitter_name"),
            "adresse": deployer.get("submitter_address"),
            "coordonnées": deployer.get("submitter_contact"),
        }
    )
    entry = deployer.get("provider_entry_url") or content.get("eu_database_url")
    fria_summary = form.get("summary") if form["state"] == "complete" else None
    return {
        "deployer": _deployer(content, authority, deployer),
        "submitter": {"value": submitter, "absent": submitter_absent},
        "provider_entry": {"value": entry, "absent": [] if entry else ["adresse"]},
        "fria_summary": {
            "value": fria_summary,
            "absent": [] if fria_summary else ["analyse d'impact terminée et sa synthèse"],
        },
        "dpia_summary": {
            "value": form["dpia"].get("summary"),
            "absent": [] if form["dpia"].get("summary") else ["résumé de l'AIPD"],
        },
    }


def _non_public(found: Standing) -> tuple[bool, str | None]:
    rules = load("registration")["non_public_areas"]
    if set(found.areas) & set(rules["codes"]):
        return True, (
            f"{rules['provision']} : enregistrement dans la section sécurisée non publique, "
            "limité aux points 1 à 3."
        )
    if set(found.areas) & set(rules["ask_for"]):
        return False, (
            f"{rules['provision']} : si le système biométrique sert à des fins répressives, de "
            "migration, d'asile ou de contrôle aux frontières, l'enregistrement se fait dans la "
            "section non publique, limité aux points 1 à 3."
        )
    return False, None


def pack(
    content: dict[str, Any], authority: str | None, form: dict[str, Any], found: Standing
) -> dict[str, Any]:
    """Every field of Section C with its value and status, and the names of those missing."""
    reference = load("registration")
    non_public, note = _non_public(found)
    values = _values(content, authority, form)
    fields = []
    for entry in reference["fields"]:
        value, absent = values[entry["id"]]["value"], values[entry["id"]]["absent"]
        if non_public and entry["id"] not in reference["non_public_areas"]["fields"]:
            status, value, absent = "not_required", None, []
        elif entry["id"] == "dpia_summary" and content.get("personal_data") == "aucune":
            status, value, absent = "not_applicable", None, []
        elif not absent:
            status = "filled"
        else:
            status = "incomplete" if value else "missing"
        fields.append(
            {
                **{key: entry[key] for key in ("id", "point", "label", "provision", "filled_from")},
                "status": status,
                "value": value,
                "missing": f"Manque : {', '.join(absent)}." if absent else None,
            }
        )
    return {
        "non_public": non_public,
        "non_public_note": note,
        "fields": fields,
        "missing": [f["id"] for f in fields if f["status"] in ("missing", "incomplete")],
        "sources": reference["sources"],
    }
