"""What analysts do: invitations (CSV, whole population), reminders, participation, exports,
history; and who may do it."""

from __future__ import annotations

import csv
import io
import time

from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer, private_link
from tests.mailbox import Mailbox

from .support import (
    PLELAN,
    RENNES,
    RENNES_METROPOLE,
    Survey,
    create_campaign,
    invite,
    light_survey,
    token_from_mail,
    wait_for_subject,
)


def test_a_csv_with_bad_lines_names_each_and_imports_nothing(survey: Survey) -> None:
    campaign = create_campaign(survey)
    response = survey.client.post(
        f"/campaigns/{campaign}/invitations",
        headers=survey.analyst,
        json={
            "csv": f"code;courriel\n{RENNES};dgs@rennes.example\n999999999;x@y.fr\n{PLELAN};pas-une-adresse\n{RENNES_METROPOLE}\n"
        },
    )

    body = assert_problem(response, 422)
    messages = [error["msg"] for error in body["errors"]]  # type: ignore[attr-defined]
    assert messages == [
        "ligne 3 : code « 999999999 » inconnu du référentiel des territoires",
        "ligne 4 : adresse « pas-une-adresse » invalide",
        "ligne 5 : aucune adresse électronique",
    ]
    listed = survey.client.get(f"/campaigns/{campaign}/invitations", headers=survey.analyst).json()
    assert listed["total"] == 0


def test_invitation_states_and_reminders(survey: Survey, mailbox: Mailbox) -> None:
    campaign = create_campaign(survey)
    assert invite(
        survey,
        campaign,
        f"{RENNES};dgs@rennes.example\n{PLELAN},mairie@plelan.example,dgs@plelan.example",
    ) == {"created": 2, "updated": 0, "sent": 2}
    token = token_from_mail(mailbox, "mairie@plelan.example")
    assert "dgs@plelan.example" in str(mailbox.wait_for("mairie@plelan.example")["To"])
    survey.client.patch(
        "/answering/answers", headers=private_link(token), json={"answers": {"usage_ia": "oui"}}
    )

    states = {
        row["code"]: row["status"]
        for row in survey.client.get(
            f"/campaigns/{campaign}/invitations", headers=survey.analyst
        ).json()["items"]
    }
    assert states == {RENNES: "sent", PLELAN: "started"}
    reminded = survey.client.post(f"/campaigns/{campaign}/reminders", headers=survey.analyst).json()
    assert reminded == {"count": 2}
    reminder = wait_for_subject(mailbox, "dgs@rennes.example", "Relance")
    assert "pas encore envoyé" in reminder
    # The first link still works after the reminder.
    assert survey.client.get("/answering", headers=private_link(token)).status_code == 200


def test_sending_links_is_rate_limited_per_staff_member(
    survey: Survey, client_for: ClientFactory
) -> None:
    limited = Survey(
        client_for("survey", rate_limits={"link_issue": "2/3600"}),
        survey.analyst,
        survey.questionnaire_id,
        survey.databases,
    )
    campaign = create_campaign(limited)
    assert invite(limited, campaign, f"{RENNES};dgs@rennes.example")["sent"] == 1
    reminded = limited.client.post(f"/campaigns/{campaign}/reminders", headers=limited.analyst)
    assert reminded.status_code == 200
    refused = limited.client.post(f"/campaigns/{campaign}/reminders", headers=limited.analyst)
    assert_problem(refused, 429)
    assert int(refused.headers["Retry-After"]) > 0


def test_the_whole_target_population_is_invited(survey: Survey) -> None:
    response = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": "Régions",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "questionnaire_id": survey.questionnaire_id,
            "target": {"kinds": ["region"]},
        },
    )
    campaign = response.json()["id"]

    count = survey.client.post(
        f"/campaigns/{campaign}/invitations/population", headers=survey.analyst
    ).json()["count"]
    again = survey.client.post(
        f"/campaigns/{campaign}/invitations/population", headers=survey.analyst
    ).json()["count"]

    # Every région of the frame, each counted once: 13 in metropolitan France and 4 overseas
    # (Mayotte is counted as a département).
    assert count == 17
    assert again == 0
    refused = survey.client.post(
        f"/campaigns/{campaign}/invitations",
        headers=survey.analyst,
        json={"csv": f"{RENNES};a@b.fr"},
    )
    assert "population visée" in str(assert_problem(refused, 422)["errors"])


def test_a_region_and_a_departement_sharing_a_code_are_both_invited(survey: Survey) -> None:
    response = survey.client.post(
        "/campaigns",
        headers=survey.analyst,
        json={
            "title": "Départements et régions",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "questionnaire_id": survey.questionnaire_id,
            "target": {"kinds": ["departement", "region"]},
        },
    )
    campaign = response.json()["id"]
    url = f"/campaigns/{campaign}/invitations"

    ambiguous = assert_problem(
        survey.client.post(url, headers=survey.analyst, json={"csv": "53;dgs@bretagne.example"}),
        422,
    )
    assert [error["msg"] for error in ambiguous["errors"]] == [  # type: ignore[attr-defined]
        "ligne 1 : le code « 53 » désigne plusieurs collectivités (Mayenne, écrivez "
        "« departement:53 » ; Bretagne, écrivez « region:53 »)"
    ]
    both = survey.client.post(
        url,
        headers=survey.analyst,
        json={"csv": "region:53;dgs@bretagne.example\ndépartement:53;dgs@mayenne.example"},
    )
    assert both.status_code == 200, both.text
    listed = survey.client.get(url, headers=survey.analyst).json()["items"]
    assert sorted((item["kind"], item["name"]) for item in listed) == [
        ("departement", "Mayenne"),
        ("region", "Bretagne"),
    ]
    # The whole population: every département and région, the two 53 included once each.
    count = survey.client.post(f"{url}/population", headers=survey.analyst).json()["count"]
    total = survey.client.get(url, headers=survey.analyst).json()["total"]
    # Each authority once (issue 18): 95 départements and 17 régions, Martinique and Guyane as
    # régions, Mayotte as a département, Corse as one région (services/survey/data/outside_frame.json).
    assert total == count + 2 == 95 + 17


def test_participation_export_and_history(survey: Survey, mailbox: Mailbox) -> None:
    campaign = create_campaign(survey)
    invite(
        survey,
        campaign,
        f"{RENNES};dgs@rennes.example\n{RENNES_METROPOLE};dsi@metropole.example\n{PLELAN};mairie@plelan.example",
    )
    token = token_from_mail(mailbox, "dsi@metropole.example")
    survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"usage_ia": "oui"}, "author": "a"},
    )
    survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={
            "answers": {
                "domaines": ["rh", "urbanisme"],
                "commentaire": '=HYPERLINK("http://x")',
                "maturite_domaines": {"decision": "3"},
            },
            "author": "b",
        },
    )
    survey.client.patch(
        "/answering/answers",
        headers=private_link(token),
        json={"answers": {"domaines": ["rh"]}, "author": "a"},
    )

    figures = survey.client.get(
        f"/campaigns/{campaign}/participation", headers=survey.analyst
    ).json()
    assert figures["total"] == {
        "key": "total",
        "label": "Ensemble",
        "invited": 3,
        "started": 1,
        "submitted": 0,
        "response_rate": 0.0,
    }
    assert [cell["label"] for cell in figures["by_region"]] == ["Bretagne"]
    kinds = {cell["key"]: cell for cell in figures["by_kind_and_band"]}
    assert kinds["epci/200000+"]["started"] == 1

    export = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["collectivite"] == "Rennes Métropole"
    assert (row["domaines"], row["domaines/rh"], row["domaines/urbanisme"]) == ("rh", "1", "0")
    assert row["commentaire"].startswith("'=")
    assert row["maturite_domaines/decision"] == "3"
    assert "dsi@metropole.example" not in export.text
    codebook = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": "codebook"}
    ).text
    assert "domaines/rh" in codebook
    assert "Ressources humaines" in codebook

    as_json = survey.client.get(
        f"/campaigns/{campaign}/export", headers=survey.analyst, params={"format": "json"}
    ).json()
    assert as_json[0]["domaines/rh"] == 1
    assert as_json[0]["commentaire"] == '=HYPERLINK("http://x")'

    invitation_id = int(row["reponse_id"])
    history = survey.client.get(
        f"/invitations/{invitation_id}/history", headers=survey.analyst
    ).json()
    domaines = [
        (entry["author"], entry["value"], entry["previous"])
        for entry in history
        if entry["key"] == "domaines"
    ]
    assert domaines == [("b", ["rh", "urbanisme"], None), ("a", ["rh"], ["rh", "urbanisme"])]


def test_participation_by_kind_and_band_in_order_and_never_in_an_impossible_band(
    survey: Survey,
) -> None:
    campaign = create_campaign(survey)
    # Plélan-le-Grand (~4,000), Rennes (~220,000), Rennes Métropole, and the Terres australes:
    # a "département" of the reference with no inhabitants counted, outside every frame.
    invite(
        survey,
        campaign,
        f"{RENNES};a@rennes.example\n{PLELAN};b@plelan.example\n"
        f"{RENNES_METROPOLE};c@metropole.example\ndepartement:984;d@taaf.example",
    )

    figures = survey.client.get(
        f"/campaigns/{campaign}/participation", headers=survey.analyst
    ).json()

    assert [cell["label"] for cell in figures["by_kind_and_band"]] == [
        "Communes — de 2 000 à 9 999 habitants",
        "Communes — 200 000 habitants et plus",
        "EPCI — 200 000 habitants et plus",
        "Départements hors du cadre de référence",
    ]
    assert sum(cell["invited"] for cell in figures["by_kind_and_band"]) == 4


def test_only_the_demo_campaign_says_its_responses_are_generated(survey: Survey) -> None:
    campaign = create_campaign(survey)

    shown = survey.client.get(f"/campaigns/{campaign}", headers=survey.analyst).json()

    assert shown["is_demo"] is False


def test_only_analysts_manage_campaigns(survey: Survey, databases: Databases) -> None:
    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    moderator = bearer(survey.client, email="moderatrice@example.org")
    campaign = create_campaign(survey)

    assert_problem(survey.client.get(f"/campaigns/{campaign}/invitations", headers=moderator), 403)
    assert_problem(survey.client.get(f"/campaigns/{campaign}/export"), 401)
    assert_problem(survey.client.post("/campaigns", headers=moderator, json={}), 403)


def test_an_invitation_whose_mail_cannot_be_delivered_is_bounced(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey = light_survey(databases, client_for)
    # The same databases, through a service whose mail server refuses and gives up at once.
    mailbox.refuse = True
    refusing = client_for("survey", mail={"max_attempts": 1})
    campaign = create_campaign(survey)
    refusing.post(
        f"/campaigns/{campaign}/invitations",
        headers=survey.analyst,
        json={"csv": f"{PLELAN};mairie@plelan.example"},
    )

    deadline = time.monotonic() + 10
    status = ""
    while time.monotonic() < deadline and status != "bounced":
        rows = survey.client.get(
            f"/campaigns/{campaign}/invitations", headers=survey.analyst
        ).json()["items"]
        status = rows[0]["status"]
        time.sleep(0.1)
    assert status == "bounced"
