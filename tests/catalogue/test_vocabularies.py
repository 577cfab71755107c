"""`vocabularies.FIELDS` is the one declaration of the coded fields: everything else matches it."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Boolean, String

from services.catalogue import fiche, vocabularies
from services.catalogue.models import UseCase
from services.catalogue.schemas.requests import UseCaseQuery
from services.catalogue.vocabularies.frontend import frontend_module
from services.catalogue.workflow import project

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "frontend" / "src" / "catalogue" / "coded-fields.ts"
CODE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
KINDS = {"code", "codes", "boolean", "derived"}


def test_the_declaration_is_well_formed() -> None:
    names = [field.name for field in vocabularies.FIELDS]
    assert len(names) == len(set(names))
    for field in vocabularies.FIELDS:
        assert field.kind in KINDS, field.name
        assert field.codes, field.name
        assert all(CODE.fullmatch(code) for code in field.codes), field.name
        assert all(label.strip() for label in field.codes.values()), field.name
        assert field.label.strip(), field.name
        assert field.description.strip(), field.name
        assert field.facet.strip(), field.name
        assert (field.column is not None) == (field.kind == "codes"), field.name
    boolean = [field for field in vocabularies.FIELDS if field.kind == "boolean"]
    assert [list(field.codes) for field in boolean] == [["oui", "non"]]


def test_the_model_columns_are_the_declared_ones() -> None:
    columns = UseCase.__table__.columns  # type: ignore[attr-defined]
    coded = {
        column.name
        for column in columns
        if isinstance(column.type, String) and column.type.length == 40
    }
    declared = {f.name for f in vocabularies.FIELDS if f.kind in ("code", "derived")}
    assert coded == declared | set(vocabularies.TERRITORY_FACETS)
    for field in vocabularies.FIELDS:
        if field.kind == "boolean":
            assert isinstance(columns[field.name].type, Boolean)
        if field.kind == "codes":
            assert field.column is not None
            assert isinstance(columns[field.column].type, String)
            assert field.name not in columns
        assert columns[field.column or field.name].nullable


def test_the_content_model_takes_every_declared_field_with_its_codes() -> None:
    schema = fiche.UseCaseFields.model_json_schema()["properties"]
    for field in vocabularies.FIELDS:
        assert schema[field.name]["description"] == field.description
        if field.kind in ("code", "derived"):
            assert schema[field.name]["enum"] == [*field.codes, None]
        if field.kind == "codes":
            assert schema[field.name]["items"]["enum"] == list(field.codes)
    enumerated = {name for name, prop in schema.items() if "enum" in prop or "items" in prop}
    assert enumerated - {"keywords", "partner_codes"} == {
        f.name for f in vocabularies.FIELDS if f.kind != "boolean"
    }


def test_projection_copies_the_declared_columns() -> None:
    content = {f.name: next(iter(f.codes)) for f in vocabularies.FIELDS if f.kind == "code"} | {
        "individual_decisions": True,
        "art50_obligations": ["hypertrucage"],
    }
    use_case = UseCase(slug="x")
    project(use_case, content)
    for name in vocabularies.COPIED_COLUMNS:
        assert getattr(use_case, name) == content[name], name
    assert use_case.art50_codes == "|hypertrucage|"


def test_every_facet_is_a_filter_of_the_search_and_shown_once() -> None:
    facets = {*vocabularies.FACET_COLUMNS, *vocabularies.LIST_FACET_COLUMNS}
    assert facets == {field.name for field in vocabularies.FIELDS} | set(
        vocabularies.TERRITORY_FACETS
    )
    assert sorted(vocabularies.FACETS_SHOWN) == sorted(facets)
    assert set(UseCaseQuery.model_fields) - {"q", "tri", "limit", "offset"} == facets | {
        "local_authority_code"
    }
    assert set(UseCaseQuery().filters()) == facets | {"local_authority_code"}


def test_the_front_end_copy_is_generated_from_the_declaration() -> None:
    # When this fails: python -m services.catalogue.vocabularies > frontend/src/catalogue/coded-fields.ts
    assert GENERATED.read_text(encoding="utf-8") == frontend_module()
