"""From proposal to open data: the "Done when" journey through the API, and each decision."""

from __future__ import annotations

import csv
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from services.catalogue.models import UseCase
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE, Catalogue, titles, wait_for_subject
from tests.conftest import Databases
from tests.helpers import assert_problem, private_link


def test_propose_complete_publish_find_edit_history_and_download(catalogue: Catalogue) -> None:
    client = catalogue.client
    proposed, token = catalogue.propose(title=COMPLETE["title"], local_authority_code="200046977")
    use_case_id = proposed["id"]
    assert proposed["status"] == "submitted"
    assert "submitter_email" not in proposed
    assert_problem(client.get(f"/use-cases/{use_case_id}"), 404)  # not public yet

    # The private link shows the draft, with what is missing to publish.
    mine = client.get("/edit-link", headers=private_link(token))
    assert mine.status_code == 200
    assert mine.headers["etag"] == '"1"'
    missing = {error["loc"][-1] for error in mine.json()["publication_errors"]}
    assert {"summary", "domain", "ai_act_class"} <= missing

    # A moderator cannot publish an incomplete fiche: every missing field is named.
    refused = client.post(
        f"/use-cases/{use_case_id}/publish", headers={**catalogue.moderator, "If-Match": '"1"'}
    )
    body = assert_problem(refused, 422)
    assert {tuple(e["loc"]) for e in body["errors"]} >= {("body", "summary"), ("body", "domain")}  # type: ignore[attr-defined]

    completed = catalogue.edit(use_case_id, token, 1, **COMPLETE)
    assert completed.status_code == 200, completed.text
    assert completed.json()["publication_errors"] == []
    published = catalogue.publish(use_case_id)
    assert published["status"] == "published"

    # Found with an unaccented French query (plural, no accents) and a facet.
    found = client.get(
        "/use-cases", params={"q": "vehicule detection", "domain": "voirie_mobilite"}
    ).json()
    assert titles(found) == [COMPLETE["title"]]
    assert found["facets"]["domain"] == [
        {"code": "voirie_mobilite", "label": "Voirie, transports et mobilité", "count": 1}
    ]
    assert any(segment["match"] for segment in found["items"][0]["snippet"])

    # An update through the link waits for moderation; the public keeps the published text.
    version = published["version"]
    updated = catalogue.edit(
        use_case_id, token, version, summary="Les bennes repèrent aussi l'éclairage en panne."
    )
    assert updated.json()["pending_review"] is True
    assert client.get(f"/use-cases/{use_case_id}").json()["summary"] == COMPLETE["summary"]
    queue = client.get("/moderation/use-cases", headers=catalogue.moderator).json()
    assert [item["id"] for item in queue["items"]] == [use_case_id]
    assert [change["field"] for change in queue["items"][0]["changes"]] == ["summary"]
    catalogue.publish(use_case_id)
    assert client.get(f"/use-cases/{use_case_id}").json()["summary"].startswith("Les bennes")

    history = client.get(f"/use-cases/{use_case_id}/history").json()
    assert [entry["event"] for entry in history] == ["published", "published"]
    assert history[0]["changes"] == [
        {
            "field": "summary",
            "before": COMPLETE["summary"],
            "after": "Les bennes repèrent aussi l'éclairage en panne.",
        }
    ]

    exported = client.get("/exports/use-cases.csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(use_case_id))
    assert row["siren"] == "200046977"
    assert row["local_authority_name"] == "Métropole de Lyon"
    assert "submitter_email" not in row
    assert "agent@ville.example.fr" not in exported.text


def test_moderators_ask_for_changes_with_a_message_then_reject(catalogue: Catalogue) -> None:
    client = catalogue.client
    proposed, token = catalogue.propose(email="contrib@example.fr", **COMPLETE)
    use_case_id = proposed["id"]
    headers = {**catalogue.moderator, "If-Match": '"1"'}

    asked = client.post(
        f"/use-cases/{use_case_id}/request-changes",
        headers=headers,
        json={"message": "Précisez la supervision humaine."},
    )
    assert asked.json()["status"] == "changes_requested"
    mail = wait_for_subject(catalogue.mailbox, "contrib@example.fr", "Modifications demandées")
    assert "Précisez la supervision humaine." in mail
    seen = client.get("/edit-link", headers=private_link(token)).json()
    assert seen["moderation_message"] == "Précisez la supervision humaine."

    resubmitted = catalogue.edit(
        use_case_id, token, 2, human_oversight="Un agent relit chaque signalement."
    )
    assert resubmitted.json()["status"] == "submitted"
    rejected = client.post(
        f"/use-cases/{use_case_id}/reject",
        headers={**catalogue.moderator, "If-Match": '"3"'},
        json={"message": "Hors sujet."},
    )
    assert rejected.json()["status"] == "rejected"
    assert_problem(
        catalogue.edit(use_case_id, token, 4, summary="Encore une tentative de résumé."), 409
    )


def test_retract_hides_and_archive_keeps_readable_out_of_search(catalogue: Catalogue) -> None:
    client = catalogue.client
    first, _ = catalogue.propose(**COMPLETE)
    second, _ = catalogue.propose(**{**COMPLETE, "title": "Autre fiche de voirie"})
    one = catalogue.publish(first["id"])
    two = catalogue.publish(second["id"])

    retracted = client.post(
        f"/use-cases/{first['id']}/retract",
        headers={**catalogue.moderator, "If-Match": f'"{one["version"]}"'},
    )
    assert retracted.json()["status"] == "retracted"
    archived = client.post(
        f"/use-cases/{second['id']}/archive",
        headers={**catalogue.moderator, "If-Match": f'"{two["version"]}"'},
    )
    assert archived.json()["status"] == "archived"

    assert_problem(client.get(f"/use-cases/{first['id']}"), 404)
    assert client.get(f"/use-cases/{second['id']}").json()["status"] == "archived"
    assert client.get("/use-cases").json()["total"] == 0
    assert [e["event"] for e in client.get(f"/use-cases/{second['id']}/history").json()] == [
        "archived",
        "published",
    ]


def test_moderation_needs_the_role(catalogue: Catalogue) -> None:
    proposed, _ = catalogue.propose(**COMPLETE)
    assert_problem(
        catalogue.client.post(f"/use-cases/{proposed['id']}/publish", headers={"If-Match": '"1"'}),
        401,
    )
    assert_problem(catalogue.client.get("/moderation/use-cases"), 401)


def test_parallel_proposals_of_one_title_each_get_their_own_address(catalogue: Catalogue) -> None:
    """Found by the load test: two proposals picked the same slug and one got a 409."""
    title = "Chatbot des démarches d'état civil"

    def propose(number: int) -> int:
        response = catalogue.client.post(
            "/use-cases",
            json={"title": title, "submitter_email": f"agent{number}@ville.example.fr"},
            headers=catalogue.moderator,  # a moderator's proposals are not rate limited
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(propose, range(6))) == [201] * 6
    listing = catalogue.client.get("/moderation/use-cases", headers=catalogue.moderator).json()
    slugs = [item["slug"] for item in listing["items"] if item["title"] == title]
    assert len(slugs) == len(set(slugs)) == 6


def test_a_link_sent_before_the_private_link_scheme_still_opens_its_fiche(
    catalogue: Catalogue, databases: Databases
) -> None:
    # Links already e-mailed hold a token whose SHA-256 the fiche kept: the same digest.
    proposed, _ = catalogue.propose(**COMPLETE)
    old_token = "jeton-d-un-ancien-courriel"
    engine = create_db_engine(databases.urls["catalogue"], pool_size=1)
    with Session(engine) as session:
        use_case = session.get(UseCase, proposed["id"])
        assert use_case is not None
        use_case.edit_token_hash = hashlib.sha256(old_token.encode()).hexdigest()
        session.commit()
    engine.dispose()
    seen = catalogue.client.get("/edit-link", headers=private_link(old_token))
    assert seen.status_code == 200, seen.text
    assert seen.json()["id"] == proposed["id"]
