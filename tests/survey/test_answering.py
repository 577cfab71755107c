"""A local authority answers through its personal link: autosave, colleagues at once,
relevance, validation, submission and its receipt."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers import assert_problem, private_link
from tests.mailbox import Mailbox

from .support import (
    PLELAN,
    RENNES,
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    token_from_mail,
    wait_for_subject,
)


@pytest.fixture
def token(survey: Survey, mailbox: Mailbox) -> str:
    campaign = create_campaign(survey)
    invite(survey, campaign, f"code;courriel\n{RENNES};dgs@rennes.example\n")
    return token_from_mail(mailbox, "dgs@rennes.example")


def save(survey: Survey, token: str, answers: dict[str, object], **extra: object):  # type: ignore[no-untyped-def]
    return survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers, **extra}
    )


def test_the_link_opens_the_questionnaire_with_the_identity_filled_in(
    survey: Survey, token: str
) -> None:
    state = survey.client.get("/answering", headers=private_link(token)).json()

    assert state["local_authority"]["name"] == "Rennes"
    assert state["local_authority"]["departement_name"] == "Ille-et-Vilaine"
    assert state["definition"]["title"] == "Observatoire des usages de l'IA dans les collectivités"
    assert state["status"] == "opened"
    assert state["answers"] == {}


def test_answers_are_saved_and_read_back(survey: Survey, token: str) -> None:
    response = save(survey, token, {"usage_ia": "oui", "agents_total": 3200, "nb_projets": "nsp"})

    assert response.status_code == 200, response.text
    assert set(response.json()["saved"]) == {"usage_ia", "agents_total", "nb_projets"}
    answers = survey.client.get("/answering", headers=private_link(token)).json()["answers"]
    assert answers["usage_ia"]["value"] == "oui"
    assert answers["agents_total"]["value"] == 3200
    assert answers["nb_projets"]["value"] == "nsp"


def test_a_wrong_answer_is_named_and_the_others_are_saved(survey: Survey, token: str) -> None:
    response = save(
        survey,
        token,
        {
            "usage_ia": "oui",
            "budget": "beaucoup",
            "agents_total": "trois",
            "commentaire": "x" * 3001,
        },
    )

    body = assert_problem(response, 422)
    named = {error["key"]: error["type"] for error in body["errors"]}  # type: ignore[attr-defined]
    assert named == {"budget": "choice", "agents_total": "type", "commentaire": "length"}
    assert "budget" in str(body["detail"])
    answers = survey.client.get("/answering", headers=private_link(token)).json()["answers"]
    assert set(answers) == {"usage_ia"}


def test_a_broken_constraint_is_named_with_its_message(survey: Survey, token: str) -> None:
    response = save(survey, token, {"usage_ia": "oui", "nb_projets": 0})

    body = assert_problem(response, 422)
    assert body["errors"][0]["key"] == "nb_projets"  # type: ignore[index]
    assert "au moins un projet" in body["errors"][0]["msg"]  # type: ignore[index]


def test_answers_to_questions_that_are_not_relevant_are_discarded(
    survey: Survey, token: str
) -> None:
    response = save(
        survey, token, {"usage_ia": "non", "budget": "0", "competence_numerique": "oui"}
    )

    assert response.status_code == 200
    assert sorted(response.json()["discarded"]) == ["budget", "competence_numerique"]
    answers = survey.client.get("/answering", headers=private_link(token)).json()["answers"]
    assert set(answers) == {"usage_ia"}


def test_two_agents_merge_and_the_later_one_wins_on_the_same_question(
    survey: Survey, token: str
) -> None:
    first = save(survey, token, {"usage_ia": "oui"}, author="onglet-a").json()
    save(survey, token, {"agents_total": 10}, author="onglet-b")
    # Agent A has not seen B's value for agents_total (seen revision 0): told it replaced it.
    later = save(
        survey, token, {"agents_total": 12}, author="onglet-a", seen={"agents_total": 0}
    ).json()

    assert later["replaced"] == [
        {
            "key": "agents_total",
            "value": 10,
            "author": "onglet-b",
            "revision": first["revision"] + 1,
        }
    ]
    changes = survey.client.get(
        "/answering/changes", headers=private_link(token), params={"since": first["revision"]}
    ).json()
    assert changes["answers"]["agents_total"]["value"] == 12
    assert "usage_ia" not in changes["answers"]


def test_submit_sends_a_receipt_with_the_answers(
    survey: Survey, token: str, mailbox: Mailbox
) -> None:
    refused = survey.client.post("/answering/submit", headers=private_link(token))
    missing = {error["key"] for error in assert_problem(refused, 422)["errors"]}  # type: ignore[attr-defined]
    assert {"usage_ia", "role_repondant", "dpd"} <= missing

    save(
        survey,
        token,
        {
            "role_repondant": "dgs",
            "usage_ia": "non",
            "dpd": "oui",
            "usage_agents": "rarement",
            "charte": "non",
            "attentes": ["retours", "formation"],
        },
    )
    response = survey.client.post("/answering/submit", headers=private_link(token))

    assert response.status_code == 200, response.text
    receipt = wait_for_subject(mailbox, "dgs@rennes.example", "Accusé de réception")
    assert "ont bien été envoyées" in receipt
    assert (
        "Des retours d'expérience d'autres collectivités ; Des formations pour les agents et les élus"
        in receipt
    )
    # Still open: changes stay possible after submission.
    assert save(survey, token, {"commentaire": "Ajout après envoi"}).status_code == 200
    assert (
        survey.client.get("/answering", headers=private_link(token)).json()["status"] == "submitted"
    )


def test_an_unknown_token_is_a_404(survey: Survey, token: str) -> None:
    assert_problem(survey.client.get("/answering", headers=private_link(token[:-2] + "xx")), 404)
    assert_problem(save(survey, "n'importe-quoi", {"usage_ia": "oui"}), 404)
    assert_problem(survey.client.get("/answering"), 401)


LINK_ROUTES = [
    ("GET", "/answering"),
    ("PATCH", "/answering/answers"),
    ("GET", "/answering/changes"),
    ("POST", "/answering/submit"),
    ("GET", "/answering/comparison"),
]


def test_the_link_is_presented_as_privatelink_never_as_bearer(survey: Survey, token: str) -> None:
    """A private link travels as `Authorization: PrivateLink <token>`: the same token sent as a
    staff `Bearer` opens nothing (401 naming the scheme), and an unknown link is a 404 on every
    route of the respondent."""
    as_bearer = survey.client.get("/answering", headers={"Authorization": f"Bearer {token}"})
    assert_problem(as_bearer, 401)
    assert as_bearer.headers["www-authenticate"].startswith("PrivateLink")
    assert "PrivateLink" in as_bearer.json()["detail"]
    for method, path in LINK_ROUTES:
        body: dict[str, object] | None = {"answers": {}} if method == "PATCH" else None
        unknown = survey.client.request(method, path, headers=private_link("inconnu"), json=body)
        assert_problem(unknown, 404)


def test_a_closed_campaign_says_when_it_closed(survey: Survey, mailbox: Mailbox) -> None:
    closed_on = date.today() - timedelta(days=3)
    campaign = create_campaign(survey, opens=closed_on - timedelta(days=30), closes=closed_on)
    invite(survey, campaign, f"{PLELAN};mairie@plelan.example")
    token = token_from_mail(mailbox, "mairie@plelan.example")

    body = assert_problem(save(survey, token, {"usage_ia": "oui"}), 409)

    assert "close depuis le" in str(body["detail"])
    assert str(closed_on.year) in str(body["detail"])
    assert body["closed_at"]
    # Reading stays possible.
    assert survey.client.get("/answering", headers=private_link(token)).status_code == 200


def test_epci_only_questions_follow_the_local_authority(survey: Survey, mailbox: Mailbox) -> None:
    campaign = create_campaign(survey)
    invite(
        survey, campaign, f"{RENNES_METROPOLE};dsi@metropole.example\n{RENNES};dsi@ville.example"
    )
    epci = token_from_mail(mailbox, "dsi@metropole.example")
    commune = token_from_mail(mailbox, "dsi@ville.example")

    assert save(survey, epci, {"competence_numerique": "oui"}).json()["discarded"] == []
    assert save(survey, commune, {"competence_numerique": "oui"}).json()["discarded"] == [
        "competence_numerique"
    ]


def test_a_campaign_not_yet_open_says_when_it_opens(survey: Survey, mailbox: Mailbox) -> None:
    opens = date.today() + timedelta(days=5)
    campaign = create_campaign(survey, opens=opens, closes=opens + timedelta(days=30))
    invite(survey, campaign, f"{PLELAN};mairie@plelan.example")
    token = token_from_mail(mailbox, "mairie@plelan.example")

    body = assert_problem(save(survey, token, {"usage_ia": "oui"}), 409)

    assert "ouvrira le" in str(body["detail"])
    assert_problem(survey.client.post("/answering/submit", headers=private_link(token)), 409)


def test_concurrent_saves_of_different_questions_all_land(survey: Survey, token: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    save(survey, token, {"usage_ia": "oui"})
    answers = {
        "agents_total": 120,
        "nb_projets": 3,
        "budget": "10k_50k",
        "mutualisation": "non",
        "evaluation": "oui",
        "abandon": "non",
        "dpd": "oui",
        "debat_public": "non",
        "charte": "non",
        "dialogue_social": "oui",
        "competences_internes": "non",
        "usage_agents": "hebdo",
    }

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(
            pool.map(
                lambda item: save(survey, token, dict([item]), author=f"agent-{item[0]}"),
                answers.items(),
            )
        )

    assert all(reply.status_code == 200 for reply in replies)
    stored = survey.client.get("/answering", headers=private_link(token)).json()["answers"]
    assert {key: stored[key]["value"] for key in answers} == answers
    revisions = sorted(stored[key]["revision"] for key in answers)
    assert len(set(revisions)) == len(answers)  # one revision per save, none lost
