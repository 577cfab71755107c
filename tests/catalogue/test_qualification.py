"""A fiche's AI Act qualification through the API: saved step by step and resumed, written into
the fiche's fields once complete and published with it, refused answers that lose nothing, the
doors of a private path, and the fiches to requalify when the rules change (their contact told
once, by real e-mail).

The answers are built by walking the rule set (`next_question` of each outcome), so that the
tests hold for any rule set of this shape; only the first question's id, `ai_system`, is known.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session

from services.catalogue import vocabularies
from services.catalogue.ai_act.engine import rules
from services.catalogue.models import UseCase
from services.cli import main as iat_admin
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE, Catalogue, wait_for_subject
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem, private_link

Answer = str | list[str]
Chooser = Callable[[dict[str, Any]], Answer]
OLD_RULES = "0.0.1-ancienne"


def first_option(question: dict[str, Any]) -> Answer:
    code = str(question["options"][0]["code"])
    return [code] if question["kind"] == "many" else code


def prefer_art50(question: dict[str, Any]) -> Answer:
    """An option that carries a transparency duty (Art. 50) where there is one."""
    tagged = [
        o for o in question["options"] if any(t.startswith("art50:") for t in o.get("tags", []))
    ]
    if not tagged:
        return first_option(question)
    code = str(tagged[0]["code"])
    return [code] if question["kind"] == "many" else code


def question(question_id: str) -> dict[str, Any]:
    return next(q for q in rules().questions if q["id"] == question_id)


def walk(
    catalogue: Catalogue, choose: Chooser, answers: dict[str, Answer] | None = None
) -> tuple[dict[str, Answer], dict[str, Any]]:
    """Answer each next question until the outcome is complete (through the public engine)."""
    answers = dict(answers or {})
    for _ in range(len(rules().questions) + 1):
        outcome = catalogue.client.post("/ai-act/qualify", json={"answers": answers}).json()
        if outcome["complete"]:
            return answers, outcome
        answers[outcome["next_question"]] = choose(question(outcome["next_question"]))
    raise AssertionError("le questionnaire ne s'achève pas")


def a_first_answer_that_leads_further(catalogue: Catalogue) -> dict[str, Answer]:
    for option in question("ai_system")["options"]:
        answers: dict[str, Answer] = {"ai_system": option["code"]}
        outcome = catalogue.client.post("/ai-act/qualify", json={"answers": answers}).json()
        if not outcome["complete"]:
            return answers
    raise AssertionError("aucune réponse à ai_system n'amène d'autre question")


def expected_fields(outcome: dict[str, Any]) -> dict[str, Any]:
    """The fiche's fields as the outcome's class, role and tags name them."""

    def tagged(kind: str) -> list[str]:
        return [t.split(":", 1)[1] for t in outcome["tags"] if t.startswith(f"{kind}:")]

    art50 = list(dict.fromkeys(tagged("art50")))
    return {
        "ai_act_class": outcome["ai_act_class"],
        "ai_act_role": outcome["role"],
        "annex_iii_area": next(iter(tagged("annex_iii_area")), None),
        "art50_obligations": art50 or None,
    }


def put(
    catalogue: Catalogue, use_case_id: int, headers: dict[str, str], version: int, answers: Any
) -> Any:
    return catalogue.client.put(
        f"/use-cases/{use_case_id}/qualification",
        json={"answers": answers},
        headers={**headers, "If-Match": f'"{version}"'},
    )


def saved(catalogue: Catalogue, use_case_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = catalogue.client.get(f"/use-cases/{use_case_id}/qualification", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    body: dict[str, Any] = response.json()
    return body


def draft(catalogue: Catalogue, token: str) -> dict[str, Any]:
    body: dict[str, Any] = catalogue.client.get("/edit-link", headers=private_link(token)).json()
    return body


def other_class(than: str | None) -> str:
    return next(c for c in ("hors_champ", "risque_minimal") if c != than)


def test_the_outcomes_codes_are_codes_of_the_fiche() -> None:
    """What a qualification writes into a fiche is always a code its vocabularies know."""
    document = rules().document
    assert {c["class"] for c in document["classes"]} <= set(vocabularies.ALL["ai_act_class"])
    assert {r["role"] for r in document.get("roles", [])} <= set(vocabularies.ALL["ai_act_role"])
    tags = {t for q in document["questions"] for o in q["options"] for t in o.get("tags", [])}
    known = {
        "annex_iii_area": set(vocabularies.ALL["annex_iii_area"]),
        "art50": set(vocabularies.ALL["art50_obligations"]),
    }
    for tag in tags:
        kind, _, code = tag.partition(":")
        if kind in known:
            assert code in known[kind], tag


def test_partial_answers_are_saved_resumed_then_complete_sets_the_fields(
    catalogue: Catalogue,
) -> None:
    proposed, token = catalogue.propose(**COMPLETE)
    link = private_link(token)
    first = a_first_answer_that_leads_further(catalogue)

    response = put(catalogue, proposed["id"], link, proposed["version"], first)
    assert response.status_code == 200, response.text
    partial = response.json()
    assert response.headers["ETag"] == f'"{partial["version"]}"'
    assert partial["version"] > proposed["version"]
    assert partial["outcome"]["complete"] is False
    assert partial["rules_version"] == rules().version

    # Later, through the same link: the answers are there, and where to resume.
    resumed = saved(catalogue, proposed["id"], link)
    assert resumed["answers"] == first
    next_question = resumed["outcome"]["next_question"]
    assert next_question is not None
    assert next_question not in first
    # An incomplete qualification leaves the fiche's own declaration alone.
    fiche = draft(catalogue, token)
    assert fiche["draft"]["ai_act_class"] == COMPLETE["ai_act_class"]
    assert fiche["draft_ai_act"]["source"] == "declaration"
    assert fiche["draft_ai_act"]["label"] == "déclarée par le contributeur"

    answers, outcome = walk(catalogue, prefer_art50, first)
    response = put(catalogue, proposed["id"], link, resumed["version"], answers)
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["outcome"]["complete"] is True
    assert done["outcome"]["ai_act_class"] == outcome["ai_act_class"]
    assert done["draft"]["label"] == f"qualifiée (règles v{rules().version})"
    fiche = draft(catalogue, token)
    expected = expected_fields(outcome)
    assert {name: fiche["draft"].get(name) for name in expected} == expected
    assert fiche["draft_ai_act"]["source"] == "qualification"
    assert fiche["draft_ai_act"]["requalify"] is False
    # Every rule set asks about Art. 50: the walk that prefers its duties meets one.
    assert expected["art50_obligations"]


def test_a_published_fiche_shows_its_qualified_class_after_the_next_publication(
    catalogue: Catalogue,
) -> None:
    answers, outcome = walk(catalogue, first_option)
    declared = other_class(outcome["ai_act_class"])
    proposed, token = catalogue.propose(**{**COMPLETE, "ai_act_class": declared})
    published = catalogue.publish(proposed["id"])
    assert published["ai_act"]["label"] == "déclarée par le contributeur"

    response = put(catalogue, proposed["id"], private_link(token), published["version"], answers)
    assert response.status_code == 200, response.text

    # Until the moderators publish, the public sees the declared class.
    public = catalogue.client.get(f"/use-cases/{proposed['id']}").json()
    assert public["ai_act_class"] == declared
    assert public["ai_act"]["source"] == "declaration"
    assert draft(catalogue, token)["pending_review"] is True

    catalogue.publish(proposed["id"])
    public = catalogue.client.get(f"/use-cases/{proposed['id']}").json()
    assert public["ai_act_class"] == outcome["ai_act_class"]
    assert public["content"].get("ai_act_role") == outcome["role"]
    assert public["ai_act"] == {
        "source": "qualification",
        "label": f"qualifiée (règles v{rules().version})",
        "rules_version": rules().version,
        "current_rules_version": rules().version,
        "requalify": False,
    }
    # The facets and filters read the columns, filled from the qualification.
    found = catalogue.client.get("/use-cases", params={"ai_act_class": outcome["ai_act_class"]})
    assert proposed["id"] in [item["id"] for item in found.json()["items"]]
    gone = catalogue.client.get("/use-cases", params={"ai_act_class": declared})
    assert proposed["id"] not in [item["id"] for item in gone.json()["items"]]


def test_a_class_changed_by_hand_is_declared_again(catalogue: Catalogue) -> None:
    proposed, token = catalogue.propose(**COMPLETE)
    answers, outcome = walk(catalogue, first_option)
    done = put(catalogue, proposed["id"], private_link(token), proposed["version"], answers)
    assert done.json()["draft"]["source"] == "qualification"

    edited = catalogue.edit(
        proposed["id"],
        token,
        done.json()["version"],
        ai_act_class=other_class(outcome["ai_act_class"]),
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["draft_ai_act"]["source"] == "declaration"
    # Saving the same class again keeps the mark: only a change is a declaration.
    fiche = draft(catalogue, token)
    again = put(catalogue, proposed["id"], private_link(token), fiche["version"], answers)
    same = catalogue.edit(
        proposed["id"], token, again.json()["version"], ai_act_class=outcome["ai_act_class"]
    )
    assert same.json()["draft_ai_act"]["source"] == "qualification"


def test_bad_answers_are_refused_and_nothing_saved_is_lost(catalogue: Catalogue) -> None:
    proposed, token = catalogue.propose(**COMPLETE)
    link = private_link(token)
    first = a_first_answer_that_leads_further(catalogue)
    before = put(catalogue, proposed["id"], link, proposed["version"], first).json()

    refused = put(
        catalogue,
        proposed["id"],
        link,
        before["version"],
        {**first, "ai_system": "peut-être", "couleur": "bleu"},
    )
    body = assert_problem(refused, 422)
    errors: list[dict[str, Any]] = body["errors"]  # type: ignore[assignment]
    assert [e["loc"][-1] for e in errors] == ["ai_system", "couleur"]
    wrong_kind = put(catalogue, proposed["id"], link, before["version"], {"ai_system": ["oui"]})
    assert_problem(wrong_kind, 422)
    not_answers = put(catalogue, proposed["id"], link, before["version"], "oui")
    assert_problem(not_answers, 422)

    after = saved(catalogue, proposed["id"], link)
    assert after["answers"] == first
    assert after["version"] == before["version"]

    # A stale version or none: refused, nothing saved either.
    stale = put(catalogue, proposed["id"], link, proposed["version"], {})
    assert assert_problem(stale, 412)["current_version"] == before["version"]
    missing = catalogue.client.put(
        f"/use-cases/{proposed['id']}/qualification", json={"answers": {}}, headers=link
    )
    assert_problem(missing, 428)
    assert saved(catalogue, proposed["id"], link)["answers"] == first


def test_only_the_fiches_link_or_a_moderator_opens_its_qualification(
    catalogue: Catalogue,
) -> None:
    mine, token = catalogue.propose(**COMPLETE)
    theirs, _ = catalogue.propose(
        email="dsi@lyon.example", **{**COMPLETE, "title": "Tri du courrier"}
    )
    path = f"/use-cases/{theirs['id']}/qualification"

    for headers in ({}, private_link(token), private_link("inconnu-" + "x" * 40)):
        assert_problem(catalogue.client.get(path, headers=headers), 404)
        refused = catalogue.client.put(
            path,
            json={"answers": {}},
            headers={**headers, "If-Match": f'"{theirs["version"]}"'},
        )
        assert_problem(refused, 404)
    assert saved(catalogue, mine["id"], private_link(token))["answers"] == {}

    # A moderator may qualify any fiche.
    answered = put(catalogue, theirs["id"], catalogue.moderator, theirs["version"], {})
    assert answered.status_code == 200, answered.text
    assert saved(catalogue, theirs["id"], catalogue.moderator)["outcome"]["next_question"]


def _age_the_qualification(url: str, use_case_id: int) -> None:
    """As if the rules had changed since: the fiche was qualified under an older version."""
    engine = create_db_engine(url, pool_size=1)
    try:
        with Session(engine) as session:
            use_case = session.get(UseCase, use_case_id)
            assert use_case is not None
            assert use_case.qualification is not None
            use_case.qualification = {**use_case.qualification, "rules_version": OLD_RULES}
            mark = {"ai_act_qualification": {"rules_version": OLD_RULES}}
            use_case.draft = {**use_case.draft, **mark}
            assert use_case.published is not None
            use_case.published = {**use_case.published, **mark}
            session.add(use_case)
            session.commit()
    finally:
        engine.dispose()


def _qualified_under_older_rules(
    catalogue: Catalogue, databases: Databases, email: str
) -> tuple[dict[str, Any], str, dict[str, Answer]]:
    """A fiche qualified, published, then aged: the rules have changed since. Its private view,
    the token of its link and its answers."""
    proposed, token = catalogue.propose(email=email, **COMPLETE)
    answers, _ = walk(catalogue, first_option)
    done = put(catalogue, proposed["id"], private_link(token), proposed["version"], answers)
    assert done.status_code == 200, done.text
    catalogue.publish(proposed["id"])
    wait_for_subject(catalogue.mailbox, email, "Fiche publiée")
    _age_the_qualification(databases.urls["catalogue"], proposed["id"])
    return proposed, token, answers


def test_a_fiche_qualified_under_older_rules_is_flagged_and_its_contact_told_once(
    catalogue: Catalogue,
    databases: Databases,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    email = "agent@ville.example.fr"
    proposed, token, answers = _qualified_under_older_rules(catalogue, databases, email)

    public = catalogue.client.get(f"/use-cases/{proposed['id']}").json()
    assert public["ai_act"]["label"] == f"qualifiée (règles v{OLD_RULES})"
    assert public["ai_act"]["requalify"] is True
    assert draft(catalogue, token)["draft_ai_act"]["requalify"] is True
    assert saved(catalogue, proposed["id"], private_link(token))["draft"]["requalify"] is True

    monkeypatch.setenv("CATALOGUE_DATABASE_URL", databases.urls["catalogue"])
    monkeypatch.setenv("MAIL_SITE_URL", "https://ia.example.fr")
    catalogue.mailbox.clear()
    assert iat_admin(["requalify-notices"]) == 0
    assert "1 fiche(s) à requalifier" in capsys.readouterr().out

    # The running catalogue's outbox sends it: a new link, the old one no longer opens.
    text = wait_for_subject(catalogue.mailbox, email, "à requalifier")
    assert f"n° {proposed['id']}" in text
    assert f"version {OLD_RULES}" in text
    assert f"version {rules().version}" in text
    new_token = text.split("https://ia.example.fr/qualification.html#", 1)[1].split()[0]
    assert saved(catalogue, proposed["id"], private_link(new_token))["answers"] == answers
    assert_problem(catalogue.client.get("/edit-link", headers=private_link(token)), 404)

    # Once: a second run tells nobody.
    assert iat_admin(["requalify-notices"]) == 0
    assert "0 fiche(s)" in capsys.readouterr().out
    time.sleep(0.5)  # the outbox is read every 0.1 s: a second message would be here
    notices = [m for m in catalogue.mailbox.messages if "requalifier" in str(m["Subject"])]
    assert len(notices) == 1

    # Qualified again under the current rules: no longer flagged in the draft.
    version = saved(catalogue, proposed["id"], private_link(new_token))["version"]
    again = put(catalogue, proposed["id"], private_link(new_token), version, answers)
    assert again.json()["draft"]["requalify"] is False
    assert again.json()["draft"]["label"] == f"qualifiée (règles v{rules().version})"


def test_the_catalogue_tells_the_contacts_as_it_starts_with_new_rules(
    catalogue: Catalogue, databases: Databases, client_for: ClientFactory
) -> None:
    """A new rule set comes with a deployment: the service starting after it sends the notices
    itself, without anybody running the command."""
    email = "agent@ville.example.fr"
    proposed, _token, _answers = _qualified_under_older_rules(catalogue, databases, email)
    catalogue.mailbox.clear()

    client_for("catalogue")  # the service after a deployment of the new rules

    text = wait_for_subject(catalogue.mailbox, email, "à requalifier")
    assert f"n° {proposed['id']}" in text
    assert f"version {rules().version}" in text
