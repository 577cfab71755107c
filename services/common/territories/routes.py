"""`GET /territories`, `GET /territories/departements` and `GET /territories/{code}`, served
identically by every service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from services.common.errors import NotFound
from services.common.pagination import MAX_LIMIT
from services.common.territories.search import Kind, Territory, TerritoryIndex, get_index

MAX_QUERY_LENGTH = 100
MAX_CODE_LENGTH = 9  # a SIREN; INSEE codes are shorter


class TerritorySearchQuery(BaseModel):
    """Query parameters of the search; unknown ones are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Nom, code SIREN ou INSEE, ou code postal. Vide : les plus peuplés.",
    )
    kind: Kind | None = Field(None, description="Ne garder qu'un type de territoire.")
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="Nombre de résultats.")


class TerritoryLookupQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind | None = Field(
        None, description="Type attendu ; `region` pour un code de région (« 11 » est l'Aude)."
    )


class TerritoryRef(BaseModel):
    code: str
    name: str


class TerritoryOut(BaseModel):
    """A territory as listed; `code` is the SIREN, or the INSEE code where there is none."""

    code: str
    kind: Kind
    name: str
    siren: str | None
    insee_code: str | None
    epci_kind: str | None = Field(description="CC, CA, CU, METRO ou MET69 (EPCI seulement).")
    postal_codes: list[str] | None
    departement: str | None
    region: str | None
    population: int | None


class TerritoryDetail(TerritoryOut):
    """A territory with its links: an EPCI's or EPT's communes, a commune's EPCI and EPT."""

    members: list[TerritoryRef] | None
    epci: TerritoryRef | None
    ept: TerritoryRef | None


class DepartementOut(BaseModel):
    """A département (or an overseas collectivity with a département code) and its région."""

    code: str = Field(description="Code INSEE du département (« 01 »… « 2A », « 971 »…).")
    name: str
    region: str | None = Field(description="Code INSEE de la région.")
    region_name: str | None


class TerritoryPage(BaseModel):
    items: list[TerritoryOut]
    total: int


def _fields(territory: Territory) -> dict[str, Any]:
    """The listed fields; a commune's EPCI and EPT become links in the detail only."""
    fields = territory._asdict()
    del fields["epci"], fields["ept"]
    return fields


def _ref(index: TerritoryIndex, code: str | None, kind: Kind) -> TerritoryRef | None:
    found = index.lookup(code, kind=kind) if code else None
    return TerritoryRef(code=found.code, name=found.name) if found else None


def _detail(index: TerritoryIndex, territory: Territory) -> TerritoryDetail:
    is_group = territory.kind in ("epci", "ept")
    members = [TerritoryRef(code=m.code, name=m.name) for m in index.members(territory)]
    return TerritoryDetail(
        **_fields(territory),
        members=members if is_group else None,
        epci=_ref(index, territory.epci, "epci"),
        ept=_ref(index, territory.ept, "ept"),
    )


def territories_router() -> APIRouter:
    """The territories reference, read-only and public."""
    router = APIRouter(tags=["territoires"])

    @router.get("/territories")
    def search_territories(query: Annotated[TerritorySearchQuery, Query()]) -> TerritoryPage:
        """Cherche des territoires par nom, code SIREN ou INSEE, ou code postal."""
        result = get_index().search(query.q, kind=query.kind, limit=query.limit)
        return TerritoryPage(
            items=[TerritoryOut(**_fields(t)) for t in result.items], total=result.total
        )

    # Before `/territories/{code}`, which would take "departements" for a code.
    @router.get("/territories/departements")
    def list_departements() -> list[DepartementOut]:
        """Tous les départements, par code, avec leur région (la table des cartes)."""
        index = get_index()
        departements = sorted(
            (t for t in index.territories if t.kind == "departement"), key=lambda t: t.code
        )
        return [
            DepartementOut(
                code=t.code,
                name=t.name,
                region=t.region,
                region_name=region.name if (region := _ref(index, t.region, "region")) else None,
            )
            for t in departements
        ]

    @router.get("/territories/{code}")
    def get_territory(
        code: Annotated[str, Path(max_length=MAX_CODE_LENGTH)],
        query: Annotated[TerritoryLookupQuery, Query()],
    ) -> TerritoryDetail:
        """Un territoire par son SIREN (communes, EPCI, EPT) ou son code INSEE."""
        index = get_index()
        territory = index.lookup(code, kind=query.kind)
        if territory is None:
            raise NotFound(
                f"Aucun territoire n'a le code « {code} ». Attendu : un SIREN (9 chiffres) "
                "ou un code INSEE de commune, de département ou de région."
            )
        return _detail(index, territory)

    return router
