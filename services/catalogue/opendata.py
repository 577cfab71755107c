"""Open data (Licence Ouverte 2.0): the published fiches as rows, in CSV, XLSX and JSON.

Each row carries the porteur's SIREN, INSEE code and kind, from the territories reference, so
the data joins other public datasets. The porteur's kind is one column, always filled: the
fiche's own `local_authority_kind` is only a contributor's hint (given for a région whose code
is also a département's), so the record takes the kind of the territory the code names.
Text that a spreadsheet would read as a formula (= + - @, tab, carriage return first) is
prefixed with an apostrophe in CSV and XLSX (services.common.spreadsheets); XLSX cells keep
their type (numbers, booleans, dates and times in UTC), read from the published schema.
Private data (submitter, tokens) is never a column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from services.catalogue import fiche
from services.catalogue.models import UseCase, UseCaseVersion
from services.catalogue.record_schema import RECORD_PROPERTIES, column_kinds, use_case_schema
from services.common.licences import open_licence
from services.common.spreadsheets import neutralise, xlsx_cell

_PORTEUR: Final = (
    "local_authority_name",
    "siren",
    "insee_code",
    "local_authority_kind",
    "region",
    "departement",
)
# The fiche's fields that the record gives from the porteur (the code first, then its kind).
_FROM_PORTEUR: Final = ("local_authority_code", "local_authority_kind")
COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "slug",
    "status",
    "published_at",
    "updated_at",
    "is_demo",
    "local_authority_code",
    *_PORTEUR,
    *(name for name in fiche.FIELD_NAMES if name not in _FROM_PORTEUR),
)
HISTORY_COLUMNS: Final[tuple[str, ...]] = (
    "use_case_id",
    "version",
    "event",
    "status",
    "at",
    *fiche.FIELD_NAMES,
)
_HISTORY_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "use_case_id": RECORD_PROPERTIES["id"],
    "version": {"type": "integer"},
    "at": {"type": "string", "format": "date-time"},
}
KINDS: Final[dict[str, str]] = column_kinds(
    {**use_case_schema()["properties"], **_HISTORY_PROPERTIES}
)
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _utc(moment: datetime | None) -> str | None:
    """An instant as RFC 3339 with its offset (a naive one is UTC, as every stored time)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def record(use_case: UseCase) -> dict[str, Any]:
    """One published fiche as a flat record (the JSON export's item)."""
    content = use_case.published or {}
    return {
        "id": use_case.id,
        "slug": use_case.slug,
        "status": use_case.status,
        "published_at": _utc(use_case.published_at),
        "updated_at": _utc(use_case.updated_at),
        "is_demo": use_case.is_demo,
        "local_authority_code": use_case.local_authority_code,
        **{name: getattr(use_case, name) for name in _PORTEUR},
        **{name: content.get(name) for name in fiche.FIELD_NAMES if name not in _FROM_PORTEUR},
    }


def history_record(version: UseCaseVersion) -> dict[str, Any]:
    content = version.content
    code = content.get("local_authority_code")
    territory = (
        fiche.find_local_authority(code, content.get("local_authority_kind")) if code else None
    )
    return {
        "use_case_id": version.use_case_id,
        "version": version.number,
        "event": version.event,
        "status": version.status,
        "at": _utc(version.created_at),
        **{name: content.get(name) for name in fiche.FIELD_NAMES},
        "local_authority_kind": territory.kind
        if territory
        else content.get("local_authority_kind"),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    return str(value)


def to_csv(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """UTF-8 with a BOM (spreadsheets then read the accents right), comma-separated RFC 4180."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in records:
        writer.writerow([neutralise(_text(row.get(name))) for name in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _typed(sheet: Any, name: str, value: Any) -> Any:
    """A record's value as an XLSX cell of its column's kind; text never runs as a formula."""
    kind = KINDS.get(name, "text")
    if value is None:
        return None
    if kind in ("integer", "number", "boolean") and not isinstance(value, str):
        return value
    if kind == "date-time":
        moment = datetime.fromisoformat(value).astimezone(UTC).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = DATE_TIME_FORMAT
        return cell
    return xlsx_cell(_text(value))


def to_xlsx(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    licence = open_licence()
    workbook = Workbook(write_only=True)
    workbook.properties.title = "Cas d'usage de l'IA dans les collectivités"
    workbook.properties.description = f"{licence.title} : {licence.url}"
    sheet = workbook.create_sheet("cas_d_usage")
    sheet.append(list(columns))
    for row in records:
        sheet.append([_typed(sheet, name, row.get(name)) for name in columns])
    notice = workbook.create_sheet("licence")
    for line in (
        ("Licence", licence.title),
        ("Version", licence.version),
        ("Adresse", licence.url),
        ("Attribution", licence.attribution),
        ("Schéma", use_case_schema()["$id"]),
        ("Dates et heures", "UTC"),
    ):
        notice.append([xlsx_cell(value) for value in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
