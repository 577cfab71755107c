"""Workbooks an attacker or a broken tool may upload, built byte by byte (no library would
write them): a 600 MB cell in under 1 MB, entity declarations, thousands of entries, a sheet
that claims a million rows. Shared by the tests and bench/bench_uploads.py."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

from services.survey.definition import Definition
from services.survey.questionnaires.observatoire_ia import DEFINITION
from services.survey.questionnaires.xlsform_export import write_xlsform

MIB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="survey" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>type</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>label</t></is></c></row>'
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1 if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def normal_xlsform(version: str = "2026.1") -> bytes:
    """The demo questionnaire as an XLSForm, as an analyst would upload it."""
    return write_xlsform(Definition.model_validate({**DEFINITION, "version": version}))


def _workbook(sheet: str | Callable[[zipfile.ZipFile], None], *, workbook: str = WORKBOOK) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if callable(sheet):
            sheet(zf)
        else:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def cell_bomb(cell_bytes: int = 600 * MIB) -> bytes:
    """One cell of `cell_bytes` characters: under 1 MB compressed."""

    def write(zf: zipfile.ZipFile) -> None:
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(
                f'{SHEET_START}<sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>'.encode()
            )
            block = b"A" * MIB
            for _ in range(cell_bytes // MIB):
                part.write(block)
            part.write(b"</t></is></c></row></sheetData></worksheet>")

    return _workbook(write)


def lying_bomb(cell_bytes: int = 600 * MIB) -> bytes:
    """The cell bomb whose directory claims the sheet inflates to 4 KiB (a hand-edited
    archive): a reader trusting the directory sees a small file."""
    data = bytearray(cell_bomb(cell_bytes))
    name = b"xl/worksheets/sheet1.xml"
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if bytes(data[start + 46 : start + 46 + length]) == name:
            struct.pack_into("<I", data, start + 24, 4096)  # the uncompressed size
        start += 4
    return bytes(data)


def entity_bomb() -> bytes:
    """A workbook part declaring a billion laughs."""
    return _workbook(
        f"{SHEET_START}<sheetData>{HEADER_ROW}</sheetData></worksheet>",
        workbook=WORKBOOK.replace("?>", "?>" + LAUGHS, 1).replace('name="survey"', 'name="&lol9;"'),
    )


def external_entity() -> bytes:
    """A sheet that would read a file of the server into a cell."""
    return _workbook(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER_ROW}'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>&secret;</t></is></c></row>'
        "</sheetData></worksheet>"
    )


def many_entries(count: int = 9000) -> bytes:
    """Thousands of tiny entries, still under 1 MB."""

    def write(zf: zipfile.ZipFile) -> None:
        zf.writestr("xl/worksheets/sheet1.xml", f"{SHEET_START}<sheetData/></worksheet>")
        for number in range(count):
            zf.writestr(f"x/{number}", b"")

    return _workbook(write)


def huge_dimension() -> bytes:
    """A tiny sheet that declares the whole grid (openpyxl would pad each row to it)."""
    return _workbook(
        f'{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData>{HEADER_ROW}'
        "</sheetData></worksheet>"
    )


def far_cell() -> bytes:
    """One cell on the last row of the grid."""
    return _workbook(
        f"{SHEET_START}<sheetData>{HEADER_ROW}"
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )


def long_cell(characters: int = 40_000) -> bytes:
    """A cell longer than a spreadsheet can hold, yet a small file."""
    return _workbook(
        f"{SHEET_START}<sheetData>{HEADER_ROW}"
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>{"é" * characters}</t></is></c></row>'
        "</sheetData></worksheet>"
    )


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "cell bomb (600 MB)": (cell_bomb, "entry_too_large"),
    "lying cell bomb": (lying_bomb, "unreadable_part"),
    "entity bomb": (entity_bomb, "xml_entities"),
    "external entity": (external_entity, "xml_entities"),
    "many entries": (many_entries, "too_many_entries"),
    "declared dimension": (huge_dimension, "too_many_columns"),
    "far cell": (far_cell, "too_many_rows"),
    "long cell": (long_cell, "text_too_long"),
    "not an archive": (lambda: b"PK\x03\x04" + b"\x00" * 200, "not_an_archive"),
}


def largest_accepted(rows: int = 999, columns: int = 10) -> bytes:
    """As much as the checks let through: a survey sheet of `rows` × `columns` cells, each a
    different short text (so that it compresses as a real sheet does)."""

    def write(zf: zipfile.ZipFile) -> None:
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f"{SHEET_START}<sheetData>{HEADER_ROW}".encode())
            for row in range(2, rows + 2):
                cells = "".join(
                    f'<c r="{_column(column)}{row}" t="inlineStr"><is><t>'
                    f"texte {row * columns + column:x} {column}</t></is></c>"
                    for column in range(1, columns + 1)
                )
                part.write(f'<row r="{row}">{cells}</row>'.encode())
            part.write(b"</sheetData></worksheet>")

    return _workbook(write)


def _column(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
