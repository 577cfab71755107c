"""The counts the observatory reads (`answer_tally`) follow every write of a submitted response:
the submission adds it, a change after it moves one count, submitting again counts nothing
twice, and a response that is only started is not counted. After each step they equal a
recount from the answers themselves."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import text

from services.common.database import create_db_engine
from services.common.territories.search import get_index
from services.survey.observatory import tallies
from services.survey.questionnaires.store import published
from tests.helpers import private_link
from tests.mailbox import Mailbox

from .support import (
    PLELAN,
    RENNES,
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    token_from_mail,
)
from .test_observatory_api import ANSWERS

Counts = dict[tuple[str, str, str, str, str, str], int]
COUNTS = """SELECT kind, band, region, form, key, value, n FROM answer_tally
    WHERE campaign_id = :campaign ORDER BY kind, band, region, form, key, value"""


def counts(survey: Survey, campaign: int) -> tuple[Counts, Counts]:
    """The counts as the writes left them, and as a recount from the answers gives them."""
    engine = create_db_engine(survey.databases.urls["survey"], pool_size=1)
    try:
        with engine.connect() as connection:
            kept = _read(connection, campaign)
            parsed = published(connection, survey.questionnaire_id)
            tallies.rebuild(connection, campaign, parsed)
            recounted = _read(connection, campaign)
            connection.rollback()
    finally:
        engine.dispose()
    return kept, recounted


def _read(connection: Any, campaign: int) -> Counts:
    rows = connection.execute(text(COUNTS), {"campaign": campaign})
    return {tuple(row[:6]): int(row[6]) for row in rows if row[6]}


def save(survey: Survey, token: str, answers: dict[str, Any]) -> None:
    response = survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers}
    )
    assert response.status_code == 200, response.text


def send(survey: Survey, token: str) -> None:
    response = survey.client.post("/answering/submit", headers=private_link(token))
    assert response.status_code == 200, response.text


def test_counts_follow_submissions_and_later_changes(survey: Survey, mailbox: Mailbox) -> None:
    campaign = create_campaign(survey)
    people = {
        RENNES: "dgs@rennes.example",
        RENNES_METROPOLE: "dgs@metropole.example",
        PLELAN: "mairie@plelan.example",
    }
    invite(survey, campaign, "\n".join(f"{code};{mail}" for code, mail in people.items()))
    rennes, metropole, plelan = (token_from_mail(mailbox, mail) for mail in people.values())

    save(survey, rennes, ANSWERS)
    send(survey, rennes)
    save(survey, metropole, {**ANSWERS, "usage_ia": "oui", "domaines": ["rh"]})
    send(survey, metropole)
    save(survey, plelan, ANSWERS)  # started, never sent: not counted
    kept, recounted = counts(survey, campaign)
    assert kept == recounted
    usage = {(row[0], row[3], row[5]): n for row, n in kept.items() if row[4] == "usage_ia"}
    assert usage == {("commune", "", '"non"'): 1, ("epci", "METRO", '"oui"'): 1}
    assert not any(row[4] == "commentaire" for row in kept)  # free text is never counted

    # A sent response stays editable: its counts move with it, and sending it again adds
    # nothing.
    save(survey, rennes, {"usage_ia": "oui", "domaines": ["rh"], "attentes": ["formation"]})
    send(survey, rennes)
    send(survey, metropole)
    kept, recounted = counts(survey, campaign)
    assert kept == recounted
    changed = {(row[0], row[5]): n for row, n in kept.items() if row[4] == "usage_ia"}
    assert changed == {("commune", '"oui"'): 1, ("epci", '"oui"'): 1}
    wishes = {row[5]: n for row, n in kept.items() if row[4] == "attentes" and row[0] == "commune"}
    assert wishes == {'["formation"]': 1}


def test_simultaneous_submissions_of_one_class_are_all_counted(
    survey: Survey, mailbox: Mailbox
) -> None:
    """Submissions of authorities of the same class update the same rows at once: none is
    lost and none waits on another for ever."""
    same_class = [
        territory
        for territory in get_index().territories
        if territory.kind == "commune"
        and territory.region == "53"
        and territory.population is not None
        and 2_000 <= territory.population < 10_000
    ][:8]
    campaign = create_campaign(survey)
    invite(
        survey,
        campaign,
        "\n".join(f"{t.code};mairie-{t.code}@example.org" for t in same_class),
    )
    tokens = [token_from_mail(mailbox, f"mairie-{t.code}@example.org") for t in same_class]
    for token in tokens:
        save(survey, token, ANSWERS)

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(
            pool.map(
                lambda token: survey.client.post("/answering/submit", headers=private_link(token)),
                tokens,
            )
        )

    assert [reply.status_code for reply in replies] == [200] * len(tokens)
    kept, recounted = counts(survey, campaign)
    assert kept == recounted
    usage = [n for row, n in kept.items() if row[4] == "usage_ia"]
    assert usage == [len(tokens)]
