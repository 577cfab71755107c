"""The submitted answers of a campaign, counted in the database.

GROUP BY queries count by class (kind, population band, région, EPCI legal form): the
respondents, and each distinct stored value of each closed question; a multiple choice or a
matrix is one JSON value, decoded once per distinct value (never per respondent) by the caller.
Numeric answers come one by one, without their respondent, because medians need them all.
The same portable SQL runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from services.common.territories.search import get_index
from services.survey.models import InvitationStatus
from services.survey.observatory.frame import EPCI_FORMS, Class, epci_form, stratum_of

# What the class of a respondent is made of; the legal form of an EPCI is matched on its code
# against the reference (communautés de communes are the rest).
_CLASS = """i.kind, i.band, coalesce(i.region, '') AS region,
    CASE WHEN i.kind <> 'epci' THEN ''
         WHEN i.code IN :ca THEN 'CA' WHEN i.code IN :cu THEN 'CU' WHEN i.code IN :metro THEN 'METRO'
         ELSE 'CC' END AS form"""
_GROUP = "i.kind, i.band, coalesce(i.region, ''), form"
_FROM = "FROM invitation i JOIN answer a ON a.invitation_id = i.id"
_WHERE = "WHERE i.campaign_id = :campaign AND i.status = :submitted"

# Constant fragments only: every value is a bound parameter.
RESPONDENTS = f"""SELECT i.id, {_CLASS} FROM invitation i {_WHERE}"""  # noqa: S608
# Values as stored (JSON text): a few hundred distinct ones per question, decoded once each.
CODED = f"""SELECT {_CLASS}, a.key, CAST(a.value AS TEXT) AS answer, count(*) AS n {_FROM}
    {_WHERE} AND a.key IN :coded GROUP BY {_GROUP}, a.key, answer"""
# Numbers one by one (no sort): the medians need them all; the respondent's class is looked up
# from the first query rather than sent again with every row.
NUMBERS = f"""SELECT a.invitation_id, a.key, CAST(a.value AS TEXT) AS answer {_FROM}
    {_WHERE} AND a.key IN :numeric"""


@functools.lru_cache(maxsize=1)
def _forms() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {form: [] for form in EPCI_FORMS}
    for territory in get_index().territories:
        if territory.kind == "epci":
            codes[epci_form(territory.epci_kind)].append(territory.code)
    return codes


def _uses(sql: str, name: str) -> bool:
    return re.search(rf":{name}\b", sql) is not None


def _statement(sql: str) -> Any:
    names = ("ca", "cu", "metro", "coded", "numeric")
    return text(sql).bindparams(
        *(bindparam(name, expanding=True) for name in names if _uses(sql, name))
    )


@dataclass(frozen=True)
class Tallies:
    """Counts by class: respondents, each stored value of each question, numeric values."""

    respondents: dict[Class, int]
    coded: list[tuple[Class, str, str, int]]  # (class, key, value as JSON text, respondents)
    numbers: list[tuple[Class, str, str]]  # (class, key, value as JSON text)


def count(
    connection: Connection, campaign_id: int, *, coded: Sequence[str], numeric: Sequence[str]
) -> Tallies:
    forms = _forms()
    params: dict[str, Any] = {
        "campaign": campaign_id,
        "submitted": InvitationStatus.SUBMITTED.value,
        "ca": forms["CA"] or ["-"],
        "cu": forms["CU"] or ["-"],
        "metro": forms["METRO"] or ["-"],
        "coded": list(coded) or ["-"],
        "numeric": list(numeric) or ["-"],
    }
    classes: dict[tuple[str, str, str, str], Class] = {}

    def run(sql: str) -> list[Any]:
        wanted = {name: value for name, value in params.items() if _uses(sql, name)}
        return list(connection.execute(_statement(sql), wanted).all())

    by_id: dict[int, Class] = {}
    for identifier, kind, band, region, form in run(RESPONDENTS):
        found = classes.get((kind, band, region, form))
        if found is None:
            found = Class(kind, band, region, stratum_of(kind, band, form))
            classes[(kind, band, region, form)] = found
        by_id[identifier] = found
    if not by_id:
        return Tallies({}, [], [])
    return Tallies(
        respondents=dict(Counter(by_id.values())),
        coded=[(classes[(k, b, r, f)], key, answer, n) for k, b, r, f, key, answer, n in run(CODED)]
        if coded
        else [],
        numbers=[(by_id[i], key, answer) for i, key, answer in run(NUMBERS)] if numeric else [],
    )
