"""The observatory's public endpoints, as a visitor, an integrator and a respondent use them:
the demo campaign's results, participation and methodology; bad input; the cache that a new
submission invalidates; the comparison with peers through a personal link."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from services.common.database import create_db_engine
from services.common.sql import utcnow
from services.survey.campaigns import today_in_paris
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
)

K = 5


def demo_campaign(survey: Survey) -> int:
    listed = survey.client.get("/campaigns").json()["items"]
    return int(next(item["id"] for item in listed if item["slug"] == "observation-2025"))


def published_cells(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [cell for question in result["questions"] for cell in question["cells"]]


@pytest.mark.demo
def test_the_demo_campaign_publishes_weighted_controlled_results(survey: Survey) -> None:
    campaign = demo_campaign(survey)
    national = survey.client.get(f"/campaigns/{campaign}/results").json()
    assert national["empty"] is False
    assert national["threshold"] == K
    assert national["respondents"] > 500
    usage = next(q for q in national["questions"] if q["key"] == "usage_ia")
    oui = next(cell for cell in usage["cells"] if cell["code"] == "oui")
    assert 0 < oui["ci_low"] < oui["estimate"] < oui["ci_high"] < 1
    assert oui["n"] == national["respondents"]
    assert oui["population"] > 30_000
    assert {"commentaire", "exemple"} <= {item["key"] for item in national["not_published"]}

    by_region = survey.client.get(
        f"/campaigns/{campaign}/results", params={"breakdown": "region"}
    ).json()
    cells = published_cells(by_region)
    assert any(cell["suppressed"] for cell in cells)
    for cell in cells:
        if cell["suppressed"]:
            assert set(cell) == {"domain", "code", "suppressed", "n", "population"}
            continue
        assert cell["n"] >= K
        assert cell.get("count") is None or cell["count"] == 0 or cell["count"] >= K
    # A kind's cell is the sum of its kind × band cells: never one hidden among published ones.
    by_kind = survey.client.get(f"/campaigns/{campaign}/results", params={"breakdown": "kind"})
    by_kind_band = survey.client.get(
        f"/campaigns/{campaign}/results", params={"breakdown": "kind_band"}
    )
    for coarse, fine in zip(
        by_kind.json()["questions"], by_kind_band.json()["questions"], strict=True
    ):
        for cell in coarse["cells"]:
            if cell["suppressed"]:
                continue
            parts = [
                other
                for other in fine["cells"]
                if other["code"] == cell["code"]
                and other["domain"].startswith(f"{cell['domain']}/")
            ]
            assert sum(other["suppressed"] for other in parts) != 1, (fine["key"], cell)
    # Free text and individual answers never leave the service.
    body = survey.client.get(f"/campaigns/{campaign}/results", params={"breakdown": "kind"}).text
    assert "Texte libre" not in body
    assert "invitation" not in body


@pytest.mark.demo
def test_csv_download_holds_the_published_figures(survey: Survey) -> None:
    campaign = demo_campaign(survey)
    params = {"breakdown": "kind", "question": "usage_ia"}
    result = survey.client.get(f"/campaigns/{campaign}/results", params=params).json()
    response = survey.client.get(
        f"/campaigns/{campaign}/results", params={**params, "format": "csv"}
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    expected = [
        (cell["domain"], cell["code"], "secret statistique" if cell["suppressed"] else "publiée")
        for cell in published_cells(result)
    ]
    assert [
        (row["domaine_code"], row["reponse_code"], row["diffusion"]) for row in rows
    ] == expected
    communes = next(
        cell
        for cell in published_cells(result)
        if cell["domain"] == "commune" and cell["code"] == "oui"
    )
    row = next(r for r in rows if r["domaine_code"] == "commune" and r["reponse_code"] == "oui")
    assert row["valeur"] == f"{100 * communes['estimate']:.1f}".replace(".", ",")


@pytest.mark.demo
def test_proportions_can_have_logit_intervals(survey: Survey) -> None:
    campaign = demo_campaign(survey)
    url = f"/campaigns/{campaign}/results"
    korn = survey.client.get(url, params={"breakdown": "kind"}).json()
    logit = survey.client.get(url, params={"breakdown": "kind", "interval": "logit"}).json()
    assert (korn["interval"], logit["interval"]) == ("korn-graubard", "logit")
    pairs = [
        (a, b)
        for qa, qb in zip(korn["questions"], logit["questions"], strict=True)
        for a, b in zip(qa["cells"], qb["cells"], strict=True)
        if not a["suppressed"] and a["code"] is not None and 0 < a["estimate"] < 1
    ]
    assert pairs
    for a, b in pairs:  # the same estimate and n, another interval around it
        assert (a["estimate"], a["n"]) == (b["estimate"], b["n"])
        assert b["ci_low"] < b["estimate"] < b["ci_high"]
    assert any(a["ci_low"] != b["ci_low"] for a, b in pairs)
    # Hidden cells are the same whatever the interval.
    hidden = [[c["suppressed"] for c in q["cells"]] for q in korn["questions"]]
    assert hidden == [[c["suppressed"] for c in q["cells"]] for q in logit["questions"]]
    download = survey.client.get(url, params={"interval": "logit", "format": "csv"})
    assert "-national-logit.csv" in download.headers["content-disposition"]
    assert_problem(survey.client.get(url, params={"interval": "wald"}), 422)


@pytest.mark.demo
def test_participation_and_methodology_are_public(survey: Survey) -> None:
    campaign = demo_campaign(survey)
    figures = survey.client.get(f"/campaigns/{campaign}/participation").json()
    results = survey.client.get(f"/campaigns/{campaign}/results").json()
    assert figures["total"]["submitted"] == results["respondents"]
    assert figures["population"] > 30_000
    assert 0 < figures["respondents_rate"] < 1
    for cell in figures["by_kind_and_band"] + figures["by_region"] + figures["by_departement"]:
        assert cell["response_rate"] == cell["submitted"] / cell["invited"]
    assert len(figures["by_departement"]) >= 100
    items = {item["key"]: item for item in figures["items"]}
    assert items["usage_ia"] == {
        "key": "usage_ia",
        "label": items["usage_ia"]["label"],
        "rate": 1.0,
    }
    # A rate to a whole percent, never the counts behind it.
    assert all(
        item["rate"] is None or round(item["rate"], 2) == item["rate"] for item in items.values()
    )
    assert figures["items_message"] is None
    assert "emails" not in str(figures)

    note = survey.client.get(f"/campaigns/{campaign}/methodology").json()
    titles = [section["title"] for section in note["sections"]]
    assert titles == [
        "Base de sondage",
        "Participation",
        "Pondération",
        "Intervalles de confiance",
        "Secret statistique",
        "Limites",
    ]
    assert sum(stratum["respondents"] for stratum in note["strata"]) == results["respondents"]
    assert "biais de non-réponse" in str(note)
    assert note["message"] is None


def test_the_frame_is_the_one_counted_when_the_campaign_was_created(survey: Survey) -> None:
    campaign = create_campaign(survey)
    note = survey.client.get(f"/campaigns/{campaign}/methodology").json()
    assert note["frame"]["frozen_on"] == today_in_paris(utcnow()).isoformat()  # a French day
    assert note["frame"]["version"]
    base = note["sections"][0]["paragraphs"][0]
    assert "figé pour toute la campagne" in base
    # What the reference said then is what counts, whatever it says later (here, one more
    # commune of 200,000 inhabitants and more in Bretagne than the reference holds today).
    engine = create_db_engine(survey.databases.urls["survey"], pool_size=1)
    with engine.begin() as connection:
        before = connection.execute(
            text("SELECT sum(units) FROM campaign_frame WHERE campaign_id = :id"), {"id": campaign}
        ).scalar_one()
        connection.execute(
            text(
                "UPDATE campaign_frame SET units = units + 1 WHERE campaign_id = :id"
                " AND kind = 'commune' AND band = '200000+' AND region = '53'"
            ),
            {"id": campaign},
        )
    engine.dispose()
    figures = survey.client.get(f"/campaigns/{campaign}/participation").json()
    assert figures["population"] == before + 1


def close(survey: Survey, campaign: int) -> None:
    """The campaign closed yesterday (no endpoint moves a campaign's dates)."""
    engine = create_db_engine(survey.databases.urls["survey"], pool_size=1)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE campaign SET closes_on = :day WHERE id = :id"),
            {"day": date.today() - timedelta(days=1), "id": campaign},
        )
    engine.dispose()


def test_participation_never_reveals_a_count_that_the_results_hide(
    survey: Survey, mailbox: Mailbox
) -> None:
    response = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": "Observation seuil trois",
            "opens_on": (date.today() - timedelta(days=2)).isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "questionnaire_id": survey.questionnaire_id,
            "disclosure_threshold": 3,
        },
    )
    assert response.status_code == 201, response.text
    campaign = response.json()["id"]
    people = {RENNES: "dgs@rennes.example", PLELAN: "mairie@plelan.example"}
    people[RENNES_METROPOLE] = "dgs@metropole.example"
    invite(survey, campaign, "\n".join(f"{code};{mail}" for code, mail in people.items()))
    for number, mail in enumerate(people.values()):
        # One "oui" only: the conditional question "domaines" is shown to that one.
        usage = "oui" if number == 0 else "non"
        extra = {"domaines": ["rh"]} if usage == "oui" else {}
        submit(survey, token_from_mail(mailbox, mail), {**ANSWERS, "usage_ia": usage, **extra})
    close(survey, campaign)

    figures = survey.client.get(f"/campaigns/{campaign}/participation").json()
    national = survey.client.get(f"/campaigns/{campaign}/results").json()
    usage = next(q for q in national["questions"] if q["key"] == "usage_ia")
    assert next(c for c in usage["cells"] if c["code"] == "oui")["suppressed"]
    items = {item["key"]: item for item in figures["items"]}
    assert items["domaines"]["rate"] is None  # shown to 1 < k: neither rate nor count
    assert items["usage_ia"]["rate"] == 1.0
    for item in figures["items"]:
        assert set(item) == {"key", "label", "rate"}


@pytest.mark.demo
def test_bad_input_is_a_clear_4xx(survey: Survey) -> None:
    campaign = demo_campaign(survey)
    url = f"/campaigns/{campaign}/results"
    assert_problem(survey.client.get(url, params={"breakdown": "commune"}), 422)
    free_text = assert_problem(survey.client.get(url, params={"question": "commentaire"}), 422)
    assert "jamais publiée" in str(free_text["detail"])
    assert_problem(survey.client.get(url, params={"question": "inconnue"}), 404)
    assert_problem(survey.client.get(url, params={"format": "xlsx"}), 422)
    drafts = list(survey.client.get("/campaigns", headers=survey.analyst).json()["items"])
    draft = next(c["id"] for c in drafts if c["slug"] == "observation-2027")
    assert_problem(survey.client.get(f"/campaigns/{draft}/results"), 404)
    assert_problem(survey.client.get(f"/campaigns/{draft}/participation"), 404)


def submit(survey: Survey, token: str, answers: dict[str, Any]) -> None:
    saved = survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": answers}
    )
    assert saved.status_code == 200, saved.text
    response = survey.client.post("/answering/submit", headers=private_link(token))
    assert response.status_code == 200, response.text


ANSWERS = {
    "role_repondant": "dgs",
    "usage_ia": "non",
    "dpd": "oui",
    "usage_agents": "rarement",
    "charte": "non",
    "attentes": ["retours", "formation"],
    "commentaire": "Une remarque à ne jamais publier",
}


def test_results_follow_submissions_and_peers_compare_through_the_link(
    survey: Survey, mailbox: Mailbox
) -> None:
    campaign = create_campaign(survey)
    invite(survey, campaign, f"{RENNES};dgs@rennes.example\n{PLELAN};mairie@plelan.example")
    rennes = token_from_mail(mailbox, "dgs@rennes.example")
    plelan = token_from_mail(mailbox, "mairie@plelan.example")
    url = f"/campaigns/{campaign}/results"

    empty = survey.client.get(url).json()
    assert empty["empty"] is True
    assert empty["questions"] == []
    assert "publiés à la clôture" in empty["message"]

    submit(survey, rennes, ANSWERS)
    # Open: a poller comparing two publications would see who just answered. Nothing yet.
    first = survey.client.get(url).json()
    assert first["empty"] is True
    assert first["respondents"] == 0
    assert first["questions"] == []
    assert "publiés à la clôture" in first["message"]
    assert "jamais publier" not in survey.client.get(url, params={"format": "csv"}).text
    assert_problem(survey.client.get("/answering/comparison", headers=private_link(plelan)), 409)
    early = survey.client.get("/answering/comparison", headers=private_link(rennes)).json()
    assert early["empty"] is True
    assert early["questions"] == []
    live = survey.client.get(f"/campaigns/{campaign}/participation").json()
    assert live["total"]["submitted"] == 1  # participation stays live: not an answer
    # Item rates live only for questions shown whatever was answered before, from k
    # respondents; a conditional question's rate waits for the close.
    live_items = {item["key"]: item["rate"] for item in live["items"]}
    assert "usage_ia" in live_items
    assert "domaines" not in live_items
    assert set(live_items.values()) == {None}  # one respondent, under k
    assert "clôture" in live["items_message"]
    note = survey.client.get(f"/campaigns/{campaign}/methodology").json()
    assert note["strata"] == []
    assert "clôture" in note["message"]

    submit(survey, plelan, {**ANSWERS, "usage_ia": "oui", "domaines": ["rh"]})
    close(survey, campaign)
    closed = survey.client.get(url).json()
    assert closed["respondents"] == 2
    assert all(cell["suppressed"] for cell in published_cells(closed))  # two respondents < k
    assert (
        survey.client.get(f"/campaigns/{campaign}/participation").json()["total"]["submitted"] == 2
    )

    compared = survey.client.get("/answering/comparison", headers=private_link(rennes)).json()
    assert compared["peers"]["label"] == "Communes — 200 000 habitants et plus"
    usage = next(q for q in compared["questions"] if q["key"] == "usage_ia")
    assert usage["own"] == "Non"
    assert usage["cells"]
    assert all(cell["suppressed"] for cell in usage["cells"])
    assert_problem(survey.client.get("/answering/comparison"), 401)
