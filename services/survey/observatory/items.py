"""Item response rates: of the respondents to whom a question was shown, how many answered it.

Whether a question is shown depends only on the answers its conditions read and on a few
attributes of the authority, so respondents are grouped by that *signature* and the relevance
rules run once per distinct signature (a few hundred), not once per respondent.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, text

from services.common.database_caches import PerDatabase
from services.survey.expressions import variables_of
from services.survey.models import InvitationStatus
from services.survey.questionnaires.store import Parsed
from services.survey.rules import relevant_answers

_RESPONDENTS = text(
    "SELECT id, kind, population, region, departement FROM invitation "
    "WHERE campaign_id = :campaign AND status = :submitted"
)
_CONDITIONS = text(
    "SELECT a.invitation_id, a.key, CAST(a.value AS TEXT) FROM answer a "
    "JOIN invitation i ON i.id = a.invitation_id "
    "WHERE i.campaign_id = :campaign AND i.status = :submitted AND a.key IN :keys"
).bindparams(bindparam("keys", expanding=True))
_ANSWERED = text(
    "SELECT a.key, count(*) FROM answer a JOIN invitation i ON i.id = a.invitation_id "
    "WHERE i.campaign_id = :campaign AND i.status = :submitted "
    "AND CAST(a.value AS TEXT) NOT IN ('null', '\"\"', '[]', '{}') GROUP BY a.key"
)
_rates: PerDatabase[dict[int, tuple[tuple[Any, ...], list[dict[str, Any]]]]] = PerDatabase(dict)
_lock = threading.Lock()


def _org_attributes(tree: Any) -> Iterator[str]:
    if isinstance(tree, Mapping):
        if "org" in tree:
            yield str(tree["org"])
        for value in tree.values():
            yield from _org_attributes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _org_attributes(value)


def item_rates(
    connection: Connection, campaign_id: int, parsed: Parsed, stamp: tuple[Any, ...]
) -> list[dict[str, Any]]:
    """For each question: respondents to whom it was shown, those who answered, the rate."""
    cache = _rates.of(connection)
    with _lock:
        cached = cache.get(campaign_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    value = _compute(connection, campaign_id, parsed)
    with _lock:
        cache[campaign_id] = (stamp, value)
    return value


def _compute(connection: Connection, campaign_id: int, parsed: Parsed) -> list[dict[str, Any]]:
    params = {"campaign": campaign_id, "submitted": InvitationStatus.SUBMITTED.value}
    conditions = [condition for flat in parsed.flats for condition in flat.relevant]
    # A condition on a calculation reads what the calculation reads.
    conditions += [f.question.calculation for f in parsed.flats if f.type == "calculate"]
    keys = sorted({name for condition in conditions for name in variables_of(condition)})
    attributes = sorted({name for condition in conditions for name in _org_attributes(condition)})
    orgs = {row[0]: row[1:] for row in connection.execute(_RESPONDENTS, params)}
    read: dict[int, dict[str, str]] = {}
    if keys:
        for invitation, key, answer in connection.execute(_CONDITIONS, {**params, "keys": keys}):
            read.setdefault(invitation, {})[key] = answer
    names = ("kind", "population", "region", "departement")
    signatures = Counter(
        (
            tuple(org[names.index(name)] for name in attributes),
            tuple(sorted(read.get(invitation, {}).items())),
        )
        for invitation, org in orgs.items()
    )
    relevant: Counter[str] = Counter()
    for (org_values, answers), count in signatures.items():
        decoded = {key: json.loads(answer) for key, answer in answers}
        _kept, shown = relevant_answers(
            parsed.flats, decoded, dict(zip(attributes, org_values, strict=True))
        )
        for key in shown:
            relevant[key] += count
    answered: dict[str, int] = {key: int(n) for key, n in connection.execute(_ANSWERED, params)}
    rates = []
    for flat in parsed.flats:
        asked = relevant[flat.key]
        # An answer kept from before a change of an earlier one may no longer be relevant.
        given = min(int(answered.get(flat.key, 0)), asked)
        rates.append(
            {
                "key": flat.key,
                "label": flat.label,
                "shown": asked,
                "answered": given,
                "rate": given / asked if asked else None,
            }
        )
    return rates


def shown_regardless_of_answers(parsed: Parsed) -> set[str]:
    """The questions whose showing reads no earlier answer (asked of all, or by kind of
    authority): their rate can be published live, since whom they were shown to is public."""
    return {
        flat.key
        for flat in parsed.flats
        if not any(list(variables_of(condition)) for condition in flat.relevant)
    }


def public_rates(rates: list[dict[str, Any]], *, k: int) -> list[dict[str, Any]]:
    """What the public sees: the rate, to a whole percent, of a question shown to at least k
    respondents; neither count, since whom a conditional question was shown to is the number
    of an earlier answer (how many said "oui"), which the results may hide."""
    return [
        {
            "key": item["key"],
            "label": item["label"],
            "rate": round(item["rate"], 2)
            if item["shown"] >= k and item["rate"] is not None
            else None,
        }
        for item in rates
    ]
