"""A local authority's answers next to those of its peers (same kind, same population band),
taken from the published kind × band breakdown: the same disclosure control as the public
figures, nothing more is revealed to a respondent than to anyone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from services.common.errors import Conflict
from services.survey.answering import Respondent, current_answers
from services.survey.campaigns import band_of
from services.survey.models import Campaign, InvitationStatus
from services.survey.observatory import publish
from services.survey.observatory.breakdowns import domain_label
from services.survey.questionnaires.store import Parsed
from services.survey.receipts import choice_labels, display_value


def _own(parsed: Parsed, unit_key: str, answers: dict[str, Any]) -> str | None:
    key, _, row = unit_key.partition("/")
    value = answers.get(key)
    if row:
        value = value.get(row) if isinstance(value, dict) else None
        if value is None:
            return None
        return choice_labels(parsed, key).get(str(value), str(value))
    if value is None or value in ("", [], {}):
        return None
    return display_value(parsed, key, value)


def comparison(
    connection: Connection, who: Respondent, campaign: Campaign, parsed: Parsed
) -> dict[str, Any]:
    if who.status != InvitationStatus.SUBMITTED:
        raise Conflict("La comparaison avec vos pairs s'ouvre une fois votre réponse envoyée.")
    domain = f"{who.org['kind']}/{band_of(who.org['population'])}"
    result = publish.results_for(connection, campaign, parsed, "kind_band")
    answers = {
        key: entry[0] for key, entry in current_answers(connection, who.invitation_id).items()
    }
    peers = next((item for item in result["domains"] if item["key"] == domain), None)
    return {
        "campaign_id": campaign.id,
        "local_authority": who.name,
        "peers": {
            "key": domain,
            "label": domain_label("kind_band", domain),
            "population": peers["population"] if peers else 0,
            "respondents": peers["respondents"] if peers else 0,
        },
        "threshold": result["threshold"],
        # Before the close nothing is compared: see `publish.results_for`.
        "empty": result["empty"],
        "message": result["message"],
        "questions": [
            {
                **{
                    name: question[name]
                    for name in ("key", "label", "type", "shape", "unit", "answers")
                },
                "own": _own(parsed, question["key"], answers),
                "cells": [cell for cell in question["cells"] if cell["domain"] == domain],
            }
            for question in result["questions"]
        ],
    }
