"""The catalogue's DCAT-AP description (JSON-LD), for data.gouv.fr and other harvesters.

One `dcat:Catalog` with two `dcat:Dataset`s, the published fiches and their public history,
each with its `dcat:Distribution`s (CSV, XLSX, JSON): media type (IANA) and format (EU
file-type authority table), licence, access and download addresses, `conformsTo` the fiche's
JSON Schema. It follows DCAT-AP 3.0 (mandatory and recommended properties of Catalogue,
Dataset, Distribution and Agent), which DCAT-AP 2 readers also read. The context is inline,
made of prefixes only, so the document expands without fetching anything; data.gouv.fr's DCAT
harvester takes the `dct:license` of the distributions and their `dcat:downloadURL`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from services.common.licences import open_licence

CONTEXT: Final[dict[str, Any]] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "@language": "fr",
}
MEDIA_TYPES: Final = "https://www.iana.org/assignments/media-types/"
FILE_TYPES: Final = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE: Final = "http://publications.europa.eu/resource/authority/language/FRA"
FRANCE: Final = "http://publications.europa.eu/resource/authority/country/FRA"
PUBLIC_BODY: Final = "http://purl.org/adms/publishertype/NationalAuthority"
FREQUENCY: Final = "http://publications.europa.eu/resource/authority/frequency/CONT"
THEME: Final = "http://publications.europa.eu/resource/authority/data-theme/GOVE"


@dataclass(frozen=True)
class Format:
    key: str
    media_type: str
    file_type: str
    label: str


FORMATS: Final = {
    "csv": Format("csv", "text/csv", "CSV", "CSV (UTF-8 avec BOM)"),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
        "classeur XLSX",
    ),
    "json": Format("json", "application/json", "JSON", "JSON"),
}


@dataclass(frozen=True)
class DatasetSpec:
    key: str
    title: str
    description: str
    keywords: tuple[str, ...]
    # format key -> the route's name
    routes: dict[str, str]
    # The route of the JSON Schema its items follow (none for the history: a version's row)
    schema_route: str | None = None


DATASETS: Final = (
    DatasetSpec(
        "cas-d-usage",
        "Cas d'usage de l'intelligence artificielle dans les collectivités territoriales",
        "Les fiches publiées de la bibliothèque d'IA territorialisées : projets d'IA des "
        "communes, EPCI, départements et régions, avec le SIREN, le code INSEE et le type de "
        "chaque collectivité, la classe du règlement européen sur l'IA, les données et les "
        "garde-fous.",
        ("intelligence artificielle", "collectivités territoriales", "algorithmes publics"),
        {"csv": "export_csv", "xlsx": "export_xlsx", "json": "export_json"},
        schema_route="use_case_schema",
    ),
    DatasetSpec(
        "cas-d-usage-historique",
        "Historique des fiches de cas d'usage d'IA des collectivités",
        "Chaque version publique de chaque fiche, avec sa date et l'événement qui l'a créée.",
        ("intelligence artificielle", "collectivités territoriales", "historique"),
        {"csv": "export_history_csv", "json": "export_history_json"},
    ),
)


def _literal(value: datetime) -> dict[str, str]:
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    return {"@value": moment.isoformat(), "@type": "xsd:dateTime"}


def _iri(value: str) -> dict[str, str]:
    return {"@id": value}


def _publisher(site_url: str) -> dict[str, Any]:
    return {
        "@id": f"{site_url}/#editeur",
        "@type": "foaf:Agent",
        "foaf:name": "Les intelligences associées des territoires",
        "dct:type": _iri(PUBLIC_BODY),
        "foaf:homepage": _iri(f"{site_url}/"),
    }


def _distribution(
    spec: DatasetSpec, key: str, url_for: Callable[[str], str], modified: datetime
) -> dict[str, Any]:
    form = FORMATS[key]
    url = url_for(spec.routes[key])
    distribution = {
        "@id": f"{url}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": f"{spec.title} ({form.label})",
        "dct:description": f"{spec.title}, au format {form.label}.",
        "dcat:accessURL": _iri(url),
        "dcat:downloadURL": _iri(url),
        "dcat:mediaType": _iri(MEDIA_TYPES + form.media_type),
        "dct:format": _iri(FILE_TYPES + form.file_type),
        "dct:license": _iri(open_licence().url),
        "dct:modified": _literal(modified),
    }
    return _conforming(distribution, spec, url_for)


def _conforming(
    node: dict[str, Any], spec: DatasetSpec, url_for: Callable[[str], str]
) -> dict[str, Any]:
    if spec.schema_route is None:
        return node
    return {**node, "dct:conformsTo": _iri(url_for(spec.schema_route))}


def _dataset(
    spec: DatasetSpec,
    url_for: Callable[[str], str],
    site_url: str,
    modified: datetime,
) -> dict[str, Any]:
    landing = f"{site_url}/catalogue.html#exports"
    dataset = {
        "@id": f"{site_url}/donnees/{spec.key}",
        "@type": "dcat:Dataset",
        "dct:identifier": spec.key,
        "dct:title": spec.title,
        "dct:description": spec.description,
        "dcat:keyword": list(spec.keywords),
        "dcat:theme": _iri(THEME),
        "dct:publisher": _iri(f"{site_url}/#editeur"),
        "dcat:contactPoint": {
            "@id": f"{site_url}/#contact",
            "@type": "vcard:Kind",
            "vcard:fn": "Les intelligences associées des territoires",
            "vcard:hasURL": _iri(f"{site_url}/"),
        },
        "dct:spatial": _iri(FRANCE),
        "dct:language": _iri(LANGUAGE),
        "dct:accrualPeriodicity": _iri(FREQUENCY),
        "dcat:landingPage": _iri(landing),
        "dct:license": _iri(open_licence().url),
        "dct:modified": _literal(modified),
        "dcat:distribution": [_distribution(spec, key, url_for, modified) for key in spec.routes],
    }
    return _conforming(dataset, spec, url_for)


def catalogue(
    *, url_for: Callable[[str], str], site_url: str, modified: datetime | None
) -> dict[str, Any]:
    """The DCAT-AP catalogue; `url_for` gives a route's absolute address, `modified` is the
    latest change of a published fiche (now, for an empty catalogue)."""
    site = site_url.rstrip("/")
    when = modified or datetime.now(UTC)
    return {
        "@context": CONTEXT,
        "@id": url_for("dcat_catalogue"),
        "@type": "dcat:Catalog",
        "dct:title": "Bibliothèque d'IA territorialisées",
        "dct:description": "Les jeux de données ouverts du catalogue des usages de "
        "l'intelligence artificielle par les collectivités territoriales françaises.",
        "dct:publisher": _publisher(site),
        "foaf:homepage": _iri(f"{site}/catalogue.html"),
        "dct:language": _iri(LANGUAGE),
        "dct:spatial": _iri(FRANCE),
        "dct:license": _iri(open_licence().url),
        "dct:modified": _literal(when),
        "dcat:dataset": [_dataset(spec, url_for, site, when) for spec in DATASETS],
    }
