"""Open data (Licence Ouverte 2.0): the published fiches as rows, in CSV, XLSX and JSON.

Each row carries the porteur's SIREN and INSEE code, so the data joins other public datasets.
Text that a spreadsheet would read as a formula (= + - @, tab, carriage return first) is
prefixed with an apostrophe in CSV and XLSX (services.common.spreadsheets). Private data (submitter, tokens) is never a column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from services.catalogue import fiche
from services.catalogue.models import UseCase, UseCaseVersion
from services.common.spreadsheets import neutralise, xlsx_cell

LICENCE = (
    "Licence Ouverte / Open Licence 2.0 (https://www.etalab.gouv.fr/licence-ouverte-open-licence/)"
)

_PORTEUR = (
    "local_authority_name",
    "siren",
    "insee_code",
    "local_authority_kind",
    "region",
    "departement",
)
COLUMNS: tuple[str, ...] = (
    "id",
    "slug",
    "status",
    "published_at",
    "updated_at",
    "is_demo",
    "local_authority_code",
    *_PORTEUR,
    *(name for name in fiche.FIELD_NAMES if name != "local_authority_code"),
)
HISTORY_COLUMNS: tuple[str, ...] = (
    "use_case_id",
    "version",
    "event",
    "status",
    "at",
    *fiche.FIELD_NAMES,
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return " | ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def record(use_case: UseCase) -> dict[str, Any]:
    """One published fiche as a flat record (the JSON export's item)."""
    content = use_case.published or {}
    return {
        "id": use_case.id,
        "slug": use_case.slug,
        "status": use_case.status,
        "published_at": use_case.published_at.isoformat() if use_case.published_at else None,
        "updated_at": use_case.updated_at.isoformat(),
        "is_demo": use_case.is_demo,
        "local_authority_code": use_case.local_authority_code,
        **{name: getattr(use_case, name) for name in _PORTEUR},
        **{name: content.get(name) for name in fiche.FIELD_NAMES if name != "local_authority_code"},
    }


def history_record(version: UseCaseVersion) -> dict[str, Any]:
    return {
        "use_case_id": version.use_case_id,
        "version": version.number,
        "event": version.event,
        "status": version.status,
        "at": version.created_at.isoformat(),
        **{name: version.content.get(name) for name in fiche.FIELD_NAMES},
    }


def to_csv(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    """UTF-8 with a BOM (spreadsheets then read the accents right), semicolon-free RFC 4180."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in records:
        writer.writerow([neutralise(_cell(row.get(name))) for name in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(records: Iterable[dict[str, Any]], columns: Sequence[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cas_d_usage")
    sheet.append(list(columns))
    for row in records:
        sheet.append([xlsx_cell(_cell(row.get(name))) for name in columns])
    notice = workbook.create_sheet("licence")
    notice.append([LICENCE])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
