"""Deep and huge JSON (issue 17, class 5) in the catalogue: a body or an import nesting beyond
the limit, a value beyond its bound, each gets a 422 that says so, and the fiches published
before are still there and exported."""

from __future__ import annotations

import csv
import io

import pytest

from services.common.json_limits import MAX_DEPTH
from tests.catalogue.conftest import FicheFactory
from tests.catalogue.support import COMPLETE, Catalogue
from tests.helpers import assert_problem

DEEP = {
    "closed": "[" * 50_000 + "]" * 50_000,
    "left open": "[" * 50_000,
    "objects": '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
}


def still_exported(catalogue: Catalogue, title: str) -> None:
    exported = catalogue.client.get("/exports/use-cases.csv")
    assert exported.status_code == 200
    rows = csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"), newline=""))
    assert title in [row["title"] for row in rows]


@pytest.mark.parametrize("name", sorted(DEEP))
def test_a_deeply_nested_proposal_is_a_422(
    catalogue: Catalogue, fiche: FicheFactory, name: str
) -> None:
    fiche(title="Fiche publiée avant")
    body = '{"submitter_email": "a@ville.fr", "title": ' + DEEP[name] + "}"

    response = catalogue.client.post(
        "/use-cases", content=body, headers={"Content-Type": "application/json"}
    )

    problem = assert_problem(response, 422)
    assert str(problem["type"]).endswith("/problems/validation-error")
    assert problem["errors"] == [
        {"loc": ["body"], "msg": problem["detail"], "type": "json_too_deep"}
    ]
    assert f"plus de {MAX_DEPTH} niveaux" in str(problem["detail"])
    still_exported(catalogue, "Fiche publiée avant")


@pytest.mark.parametrize("name", sorted(DEEP))
def test_a_deeply_nested_import_is_a_422_and_imports_nothing(
    catalogue: Catalogue, fiche: FicheFactory, name: str
) -> None:
    """Found by the security review: a 500 (RecursionError in the JSON parser)."""
    fiche(title="Fiche publiée avant")
    document = '{"items": [' + DEEP[name] + "]}"

    response = catalogue.client.post(
        "/imports/use-cases",
        headers=catalogue.moderator,
        files={"file": ("fiches.json", document.encode(), "application/json")},
    )

    problem = assert_problem(response, 422)
    assert str(problem["type"]).endswith("/problems/import-rejected")
    assert f"imbriqué sur plus de {MAX_DEPTH} niveaux" in str(problem["detail"])
    listed = catalogue.client.get("/use-cases").json()
    assert [item["title"] for item in listed["items"]] == ["Fiche publiée avant"]
    still_exported(catalogue, "Fiche publiée avant")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("keywords", ["x" * 61]),
        ("keywords", ["mot"] * 21),
        ("partner_codes", ["2" * 10]),
        ("start_date", "2026-01" + "0" * 100_000),
        ("art50_obligations", ["x" * 101]),
        ("title", "t" * 151),
        ("description", "d" * 10_001),
    ],
)
def test_a_value_beyond_its_bound_is_a_422_naming_it(
    catalogue: Catalogue, fiche: FicheFactory, field: str, value: object
) -> None:
    fiche(title="Fiche publiée avant")

    response = catalogue.client.post(
        "/use-cases", json={"submitter_email": "a@ville.fr", **COMPLETE, field: value}
    )

    problem = assert_problem(response, 422)
    assert ["body", field] in [error["loc"][:2] for error in problem["errors"]]  # type: ignore[attr-defined]
    still_exported(catalogue, "Fiche publiée avant")


def test_a_filter_with_too_many_values_is_a_422(catalogue: Catalogue) -> None:
    response = catalogue.client.get("/use-cases", params={"domain": ["sante"] * 51})

    problem = assert_problem(response, 422)
    assert ["query", "domain"] in [error["loc"][:2] for error in problem["errors"]]  # type: ignore[attr-defined]


def test_a_broken_keyword_in_an_anonymous_proposal_is_a_422(catalogue: Catalogue) -> None:
    """Issue 17: anonymous `POST /use-cases` with a broken character in `keywords` was a 500.
    Every kind of broken text, at the edge or in the schema, now gets a 422 naming the
    keyword, and nothing is saved."""
    for keyword in ("\\ud800", "\\u0000", "\\u0001", "\\ufffe", "\\u0085", "", "x" * 61):
        body = (
            '{"submitter_email": "a@ville.fr", "title": "Un titre", "keywords": ["'
            + keyword
            + '"]}'
        )
        response = catalogue.client.post(
            "/use-cases", content=body, headers={"Content-Type": "application/json"}
        )
        problem = assert_problem(response, 422)
        assert ["body", "keywords"] in [error["loc"][:2] for error in problem["errors"]], keyword  # type: ignore[attr-defined]
    queue = catalogue.client.get("/moderation/use-cases", headers=catalogue.moderator).json()
    assert queue["total"] == 0
