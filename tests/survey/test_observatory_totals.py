"""Totals and degrees of freedom of the published results, through the API (JSON and CSV), on
a campaign small enough to compute by hand: one stratum (the communes under 500 inhabitants of
Bretagne), eight respondents, half of whom use AI and were asked how many projects they run."""

from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from typing import Any

from scipy import special, stats

from services.common.territories.search import get_index
from tests.mailbox import Mailbox

from .support import Survey, invite, token_from_mail
from .test_observatory_api import ANSWERS, close, submit

PROJECTS = [2, 3, 5, 10]  # the four who use AI


def small_communes(count: int) -> list[str]:
    found = [
        t.code
        for t in get_index().territories
        if t.kind == "commune" and t.region == "53" and (t.population or 0) < 500
    ]
    return sorted(found)[:count]


def test_a_conditional_total_is_over_those_asked_and_intervals_use_the_domain_df(
    survey: Survey, mailbox: Mailbox
) -> None:
    response = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": "Petites communes bretonnes",
            "opens_on": (date.today() - timedelta(days=2)).isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "questionnaire_id": survey.questionnaire_id,
            "disclosure_threshold": 3,
            "target": {"kinds": ["commune"], "regions": ["53"], "population_bands": ["0-499"]},
        },
    )
    assert response.status_code == 201, response.text
    campaign = response.json()["id"]
    codes = small_communes(8)
    invite(
        survey, campaign, "\n".join(f"{code};m{n}@mairie.example" for n, code in enumerate(codes))
    )
    for n in range(8):
        uses = n < 4
        answers: dict[str, Any] = {
            **ANSWERS,
            "usage_ia": "oui" if uses else "non",
            "usage_agents": "mensuel",
        }
        if uses:
            answers |= {"domaines": ["rh"], "nb_projets": PROJECTS[n]}
        answers["part_agents"] = 10 * (n + 1)
        submit(survey, token_from_mail(mailbox, f"m{n}@mairie.example"), answers)
    close(survey, campaign)

    url = f"/campaigns/{campaign}/results"
    national = survey.client.get(url).json()
    big_n = national["domains"][0]["population"]  # the stratum's N: a census attempt of it
    assert big_n > 100
    questions = {q["key"]: q for q in national["questions"]}
    projects = questions["nb_projets"]["cells"][0]
    mean = sum(PROJECTS) / 4
    # Asked of the 4 of 8 who use AI: N/2 communes, not the whole frame's N.
    expected = mean * big_n / 2
    assert projects["n"] == 4
    assert abs(projects["total"] - expected) <= 0.5 * 10 ** (len(str(int(expected))) - 1)
    assert projects["total"] < mean * big_n / 1.5  # the defect: mean × N
    assert projects["total_ci_low"] <= projects["total"] <= projects["total_ci_high"]
    # One stratum: the domain's df is its respondents minus one (4 answers -> 3), not the
    # design's 8 - 1; the mean's interval is Student on 3 df.
    assert projects["df"] == 3
    assert projects["total_df"] == 3
    variance = (
        (1 - 8 / big_n) * (big_n / 8) ** 2 * 8 / 7 * _squares(PROJECTS, mean) / (big_n / 2) ** 2
    )
    half = stats.t.ppf(0.975, 3) * math.sqrt(variance)
    assert projects["mean_ci_low"] <= mean - half + 1e-9
    assert projects["mean_ci_high"] >= mean + half - 1e-9
    assert projects["mean_ci_low"] > mean - half - 1.0  # rounded outwards by one step at most
    # A share has a mean, never a total.
    share = questions["part_agents"]["cells"][0]
    assert share["total"] is None
    assert "part" in share["total_note"]
    # The logit interval of a proportion on the domain's df too (8 respondents, 1 stratum).
    logit = survey.client.get(url, params={"interval": "logit"}).json()
    usage = next(q for q in logit["questions"] if q["key"] == "usage_ia")
    oui = next(c for c in usage["cells"] if c["code"] == "oui")
    assert oui["df"] == 7
    se = math.sqrt((1 - 8 / big_n) * 0.25 / 7)
    half = stats.t.ppf(0.975, 7) * se / 0.25
    assert oui["ci_low"] <= special.expit(-half) + 1e-9
    assert oui["ci_low"] > special.expit(-half) - 0.011
    assert national["design_effect"] == 1.0  # one stratum: equal weights

    rows = list(
        csv.DictReader(
            io.StringIO(survey.client.get(url, params={"format": "csv"}).text.lstrip("\ufeff")),
            delimiter=";",
        )
    )
    totals = {r["question_code"]: r for r in rows if r["statistique"] == "total"}
    assert totals["nb_projets"]["valeur"] == f"{projects['total']:.0f}"
    assert "part_agents" not in totals  # no total row for a share


def _squares(values: list[int], mean: float) -> float:
    # Σ over the 8 respondents of (u_i - ū)², u_i = (y_i - mean) for those who answered and 0
    # for the others (no item non-response: the total is the plain domain total's linearisation
    # divided by N^_d squared for the mean).
    u = [v - mean for v in values] + [0.0] * 4
    centre = sum(u) / 8
    return sum((x - centre) ** 2 for x in u)
