"""Staff import of fiches from CSV or JSON: every row valid or nothing imported.

Columns (CSV) and keys (JSON) are the fiche's field names, as in the open-data export; list
fields are separated by " | " in CSV, booleans are oui/non. Each row must be publishable.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from services.catalogue import fiche, workflow
from services.common import json_limits, valid_text

_LIST_FIELDS = {"keywords", "partner_codes", "art50_obligations"}
_BOOL_FIELDS = {"individual_decisions", "fria_done", "peer_contact"}
_INT_FIELDS = {"yearly_volume"}


@dataclass
class ImportReport:
    imported: int = 0
    rows: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _from_csv_cell(name: str, value: str) -> Any:
    value = value.strip()
    if value == "":
        return None
    if name in _LIST_FIELDS:
        return [item.strip() for item in value.split("|") if item.strip()]
    if name in _BOOL_FIELDS:
        return {"oui": True, "true": True, "1": True, "non": False, "false": False, "0": False}.get(
            value.lower(), value
        )
    if name in _INT_FIELDS:
        return int(value) if value.isdigit() else value
    return value


def parse(data: bytes, *, kind: str) -> list[dict[str, Any]]:
    """Rows of a CSV or JSON file; raises ValueError with a French message when unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("le fichier doit être en UTF-8") from error
    if kind == "json" and json_limits.too_deep(data):
        raise ValueError(f"JSON imbriqué sur plus de {json_limits.MAX_DEPTH} niveaux")
    _refuse_invalid_text(data, text, kind=kind)
    if kind == "json":
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"JSON illisible (ligne {error.lineno})") from error
        items = loaded.get("items") if isinstance(loaded, dict) else loaded
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError("JSON attendu : une liste d'objets (ou un objet avec « items »)")
        return [{k: v for k, v in item.items() if k in fiche.FIELD_NAMES} for item in items]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        known = [name for name in reader.fieldnames or [] if name in fiche.FIELD_NAMES]
        if not known:
            raise ValueError("aucune colonne reconnue : voir GET /schema/use-case.json")
        return [
            {name: _from_csv_cell(name, row.get(name) or "") for name in known} for row in reader
        ]
    except csv.Error as error:
        raise ValueError(f"CSV illisible (ligne {reader.line_num})") from error


def _refuse_invalid_text(data: bytes, text: str, *, kind: str) -> None:
    """Text that is not valid (services.common.valid_text) is refused as at the edge: 422 naming
    the place in the file (`["body", "file", line, column]` for a CSV)."""
    if kind == "json":
        errors = valid_text.invalid_json_text(text.encode(), ("body", "file"))
    elif not valid_text.utf8_may_hold_refused(data):
        errors = []
    else:
        errors = _invalid_cells(text)
    if errors:
        raise valid_text.TextRefused(errors)


def _invalid_cells(text: str) -> list[valid_text.InvalidText]:
    try:
        return [
            valid_text.InvalidText(("body", "file", line, column), message)
            for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
            for column, cell in enumerate(row, start=1)
            if (message := valid_text.refused_character(cell, multiline=True)) is not None
        ]
    except csv.Error:
        message = valid_text.refused_character(text, multiline=True)
        return [] if message is None else [valid_text.InvalidText(("body", "file"), message)]


def import_rows(session: Session, rows: list[dict[str, Any]]) -> ImportReport:
    """Validate every row; when all pass, create and publish them (the caller's transaction)."""
    report = ImportReport(rows=len(rows))
    valid: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        cleaned = {k: v for k, v in row.items() if v is not None}
        try:
            content = fiche.UseCaseFields.model_validate(cleaned).model_dump(exclude_none=True)
        except ValidationError as error:
            errors = [
                {"field": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]}
                for e in error.errors()
            ]
            report.rejected.append({"row": number, "errors": errors})
            continue
        missing = fiche.publication_errors(content)
        if missing:
            report.rejected.append(
                {
                    "row": number,
                    "errors": [{"field": e["loc"][-1], "msg": e["msg"]} for e in missing],
                }
            )
            continue
        valid.append(content)
    if report.rejected:
        return report
    for content in valid:
        use_case = workflow.propose(
            session, content=content, submitter_email=None, declared_by="import"
        )
        workflow.publish(session, use_case, note="Import")
    report.imported = len(valid)
    return report
