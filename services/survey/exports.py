"""Raw responses of a campaign as CSV and XLSX, with a codebook.

One row per responding local authority, one column per question key; a multiple choice gives
its codes in one column and a 0/1 column per code; a matrix a column per row. Only relevant
answers are exported. Text that a spreadsheet would read as a formula is neutralised, cell by
cell, by the shared rule (services.common.spreadsheets), as each format writes it.
E-mail addresses are never exported.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from services.common.spreadsheets import neutralise, xlsx_cell
from services.survey.answering import answer_t, invitation_t
from services.survey.campaigns import BAND_LABELS
from services.survey.models import InvitationStatus
from services.survey.questionnaires.store import Parsed
from services.survey.receipts import choice_labels
from services.survey.rules import relevant_answers

FIXED = [
    ("reponse_id", "Numéro de la réponse"),
    ("code", "SIREN ou code INSEE de la collectivité"),
    ("collectivite", "Nom de la collectivité"),
    ("type", "Type de collectivité"),
    ("region", "Code de la région"),
    ("departement", "Code du département"),
    ("tranche_population", "Tranche de population"),
    ("statut", "État de la réponse"),
    ("commencee_le", "Première saisie (UTC)"),
    ("envoyee_le", "Envoi (UTC)"),
]


@dataclass(frozen=True)
class Column:
    name: str
    key: str
    label: str
    type: str
    code: str | None = None  # a 0/1 column of a multiple choice, or a matrix row


def columns(parsed: Parsed) -> list[Column]:
    result = [Column(name, "", label, "meta") for name, label in FIXED]
    for flat in parsed.flats:
        result.append(Column(flat.key, flat.key, flat.label, flat.type))
        if flat.type == "select_multiple":
            for code, label in choice_labels(parsed, flat.key).items():
                result.append(
                    Column(f"{flat.key}/{code}", flat.key, f"{flat.label} — {label}", "0/1", code)
                )
        elif flat.type == "matrix" and flat.question is not None:
            result.pop()
            for row in flat.question.rows:
                result.append(
                    Column(
                        f"{flat.key}/{row.code}",
                        flat.key,
                        f"{flat.label} — {row.label}",
                        "matrix",
                        row.code,
                    )
                )
    return result


def raw_rows(
    session: Session, parsed: Parsed, campaign_id: int, cols: list[Column]
) -> Iterator[list[Any]]:
    connection = session.connection()
    invitations = list(
        connection.execute(
            select(invitation_t)
            .where(invitation_t.c.campaign_id == campaign_id)
            .where(
                invitation_t.c.status.in_([InvitationStatus.STARTED, InvitationStatus.SUBMITTED])
            )
            .order_by(invitation_t.c.id)
        )
    )
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    ids = [row.id for row in invitations]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in connection.execute(
            select(answer_t.c.invitation_id, answer_t.c.key, answer_t.c.value).where(
                answer_t.c.invitation_id.in_(chunk)
            )
        ):
            answers[row.invitation_id][row.key] = row.value
    for invitation in invitations:
        org = {
            "kind": invitation.kind,
            "population": invitation.population,
            "region": invitation.region,
            "departement": invitation.departement,
        }
        kept, _ = relevant_answers(parsed.flats, answers[invitation.id], org)
        meta = {
            "reponse_id": invitation.id,
            "code": invitation.code,
            "collectivite": invitation.name,
            "type": invitation.kind,
            "region": invitation.region,
            "departement": invitation.departement,
            "tranche_population": BAND_LABELS.get(invitation.band, invitation.band),
            "statut": invitation.status,
            "commencee_le": invitation.started_at.isoformat() if invitation.started_at else None,
            "envoyee_le": invitation.submitted_at.isoformat() if invitation.submitted_at else None,
        }
        yield [_cell(column, meta, kept) for column in cols]


def _cell(column: Column, meta: dict[str, Any], kept: dict[str, Any]) -> Any:
    if column.type == "meta":
        return meta[column.name]
    value = kept.get(column.key)
    if column.type == "0/1":
        return None if value is None else int(column.code in value)
    if column.type == "matrix":
        return None if value is None else value.get(column.code)
    if isinstance(value, list):
        return " ".join(value)
    return value


def codebook(parsed: Parsed) -> Iterator[list[Any]]:
    """column, question, label, type, code, code label: one line per code."""
    for column in columns(parsed):
        if column.type in ("meta", "0/1"):
            yield [column.name, column.key, column.label, column.type, column.code, None]
            continue
        labels = choice_labels(parsed, column.key)
        if not labels:
            yield [column.name, column.key, column.label, column.type, None, None]
        for code, label in labels.items():
            yield [column.name, column.key, column.label, column.type, code, label]
        flat = parsed.by_key[column.key]
        if getattr(flat.question, "dont_know", False):
            yield [column.name, column.key, column.label, column.type, "nsp", "Ne sait pas"]


CODEBOOK_HEADER = ["colonne", "question", "libellé", "type", "code", "libellé du code"]


def as_csv(session: Session, parsed: Parsed, campaign_id: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(column.name) for column in columns(parsed)])
    for values in raw_rows(session, parsed, campaign_id, columns(parsed)):
        writer.writerow([neutralise(value) for value in values])
    # The BOM tells spreadsheets the file is UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_json(session: Session, parsed: Parsed, campaign_id: int) -> bytes:
    """The same rows as objects keyed by column (no formula neutralising: JSON is not a sheet)."""
    names = [column.name for column in columns(parsed)]
    cols = columns(parsed)
    records = [
        dict(zip(names, values, strict=True))
        for values in raw_rows(session, parsed, campaign_id, cols)
    ]
    return json.dumps(records, ensure_ascii=False).encode("utf-8")


def codebook_csv(parsed: Parsed) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CODEBOOK_HEADER)
    writer.writerows([neutralise(cell) for cell in line] for line in codebook(parsed))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(session: Session, parsed: Parsed, campaign_id: int) -> bytes:
    # Imported here: openpyxl imports NumPy, which importing the service should not load.
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("reponses")
    sheet.append([xlsx_cell(column.name) for column in columns(parsed)])
    # Made printable before neutralised: a dropped control character may unveil a formula.
    for values in raw_rows(session, parsed, campaign_id, columns(parsed)):
        sheet.append([xlsx_cell(value) for value in values])
    book = workbook.create_sheet("codebook")
    book.append(CODEBOOK_HEADER)
    for line in codebook(parsed):
        book.append([xlsx_cell(cell) for cell in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
