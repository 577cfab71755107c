"""Bad input gets a 4xx naming the field, and loses nothing already saved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.catalogue.support import COMPLETE, Catalogue
from tests.helpers import assert_problem, private_link


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("domain", "astrologie"),
        ("ai_act_class", "tres_risque"),
        ("local_authority_code", "12345"),  # malformed SIREN
        ("local_authority_code", "123456789"),  # well formed, no such local authority
        ("local_authority_code", 200046977),
        ("art50_obligations", ["inconnue"]),
        ("title", ""),
        ("title", "Titre avec un \x00 nul"),
        ("partner_codes", ["999999999"]),
        ("source_code_url", "javascript:alert(1)"),
        ("unknown_field", "x"),
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field(
    catalogue: Catalogue, field: str, value: object
) -> None:
    response = catalogue.client.post(
        "/use-cases", json={"submitter_email": "a@b.fr", **COMPLETE, field: value}
    )

    body = assert_problem(response, 422)
    assert ["body", field] in [error["loc"][:2] for error in body["errors"]]  # type: ignore[attr-defined]
    assert (
        catalogue.client.get("/moderation/use-cases", headers=catalogue.moderator).json()["total"]
        == 0
    )


def test_every_bad_field_is_named_at_once(catalogue: Catalogue) -> None:
    response = catalogue.client.post(
        "/use-cases",
        json={
            "submitter_email": "pas-une-adresse",
            "title": "Ok titre",
            "domain": "x",
            "hosting": "lune",
        },
    )
    errors: Any = assert_problem(response, 422)["errors"]
    assert {error["loc"][-1] for error in errors} == {"submitter_email", "domain", "hosting"}


def test_a_draft_may_be_incomplete(catalogue: Catalogue) -> None:
    proposed, _ = catalogue.propose(title="Juste un titre")
    assert proposed["status"] == "submitted"


def test_another_fiches_link_is_a_404_and_changes_nothing(catalogue: Catalogue) -> None:
    mine, my_token = catalogue.propose(email="moi@example.fr", **COMPLETE)
    other, _ = catalogue.propose(
        email="autre@example.fr", **{**COMPLETE, "title": "Une autre fiche"}
    )

    assert_problem(catalogue.edit(other["id"], my_token, 1, title="Piratage du titre"), 404)
    assert_problem(catalogue.client.get("/edit-link", headers=private_link("x" * 43)), 404)
    assert_problem(
        catalogue.client.patch(
            f"/use-cases/{other['id']}",
            json={"title": "Sans lien du tout"},
            headers={"If-Match": '"1"'},
        ),
        404,
    )
    seen = catalogue.client.get(
        f"/moderation/use-cases/{other['id']}", headers=catalogue.moderator
    ).json()
    assert seen["title"] == "Une autre fiche"
    assert mine["id"] != other["id"]


def test_a_stale_version_gets_412_and_loses_nothing(catalogue: Catalogue) -> None:
    proposed, token = catalogue.propose(**COMPLETE)
    first = catalogue.edit(
        proposed["id"], token, 1, summary="Premier résumé enregistré par l'agent."
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'

    stale = catalogue.edit(
        proposed["id"], token, 1, summary="Résumé écrit sur une version périmée."
    )
    body = assert_problem(stale, 412)
    assert body["current_version"] == 2
    missing = catalogue.client.patch(
        f"/use-cases/{proposed['id']}",
        json={"summary": "Sans version du tout."},
        headers=private_link(token),
    )
    assert_problem(missing, 428)
    seen = catalogue.client.get("/edit-link", headers=private_link(token)).json()
    assert seen["draft"]["summary"] == "Premier résumé enregistré par l'agent."


def test_html_is_stored_as_text(catalogue: Catalogue) -> None:
    title = "<script>alert('x')</script> Tri des courriers"
    proposed, _ = catalogue.propose(**{**COMPLETE, "title": title})
    published = catalogue.publish(proposed["id"])
    assert catalogue.client.get(f"/use-cases/{published['id']}").json()["title"] == title


def test_a_body_over_the_limit_is_a_413(databases: object, client_for: object) -> None:
    client = client_for("catalogue", max_body_bytes=2048)  # type: ignore[operator]
    response = client.post(
        "/use-cases", json={"submitter_email": "a@b.fr", "title": "Gros", "description": "x" * 5000}
    )
    assert_problem(response, 413)


@pytest.mark.parametrize(
    "params",
    [
        {"domain": "astrologie"},
        {"region": "abc"},
        {"tri": "hasard"},
        {"limit": 0},
        {"inconnu": "1"},
        {"q": "eau\x00"},
    ],
)
def test_bad_search_parameters_are_422(catalogue: Catalogue, params: dict[str, Any]) -> None:
    assert_problem(catalogue.client.get("/use-cases", params=params), 422)


def test_unknown_fiches_are_404(catalogue: Catalogue) -> None:
    assert_problem(catalogue.client.get("/use-cases/999999"), 404)
    assert_problem(catalogue.client.get("/use-cases/999999/history"), 404)
    # "abc" could be a slug (fiches are read by slug too): an unknown one
    assert_problem(catalogue.client.get("/use-cases/abc"), 404)
    for malformed in ("Abc!", "0", "99999999999", "4294967296"):
        assert_problem(catalogue.client.get(f"/use-cases/{malformed}"), 422)
