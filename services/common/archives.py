"""An uploaded spreadsheet (XLSX: a ZIP archive of XML parts) checked before any parser opens it.

Found by the security review: an XLSForm of under 1 MB that decompresses to a 600 MB cell took
1.1 GB of memory and 6–9 s before its 422, and a workbook declaring XML entities got a 500. So,
before openpyxl sees the file, `check_xlsx` reads only what is cheap and bounded:

1. the archive's directory: its size, its number of entries, each entry's uncompressed size,
   their total and their compression ratio (Python's zipfile never inflates an entry past the
   size its directory declares, so the declared sizes bound what any reader will get);
2. then each XML part, inflated and parsed as a stream by defusedxml (a document type
   declaration, hence any entity, is refused: Office Open XML never has one), counting the
   declared and actual dimensions of each sheet and the length of each text.

Whatever is wrong is refused with a 422 that names it. Memory stays that of one chunk.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

from services.common.errors import Unprocessable

MIB = 1024 * 1024
_CHUNK = 64 * 1024
# Parts openpyxl may parse as XML.
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_END_OF_DIRECTORY = b"PK\x05\x06"
# The record (22 bytes) is last, after a comment of at most 65 535 bytes.
_END_OF_DIRECTORY_SEARCH = 22 + 65_535
_CELL_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


@dataclass(frozen=True)
class ArchiveLimits:
    """What an uploaded workbook may hold; the defaults fit a questionnaire (XLSForm)."""

    max_compressed_bytes: int = MIB
    max_entries: int = 100
    max_entry_bytes: int = 8 * MIB
    max_uncompressed_bytes: int = 16 * MIB
    # Uncompressed / compressed size of an entry, checked beyond `ratio_grace_bytes`: XML
    # compresses 5 to 30 times, a bomb a thousand times.
    max_ratio: int = 100
    ratio_grace_bytes: int = MIB
    max_rows: int = 5000
    max_columns: int = 64
    # openpyxl takes about 10 µs a cell: this bounds its time, whatever the file.
    max_cells: int = 10_000
    # Excel's own limit for the text of one cell.
    max_text_chars: int = 32_767


XLSX_LIMITS = ArchiveLimits()


class ArchiveRefused(Unprocessable):
    """An upload refused before parsing, naming what is wrong with it."""

    slug = "archive-refused"

    def __init__(self, detail: str, *, problem: str) -> None:
        super().__init__(
            detail,
            extra={"errors": [{"loc": ["body", "file"], "msg": detail, "type": problem}]},
        )


def check_xlsx(
    data: bytes, limits: ArchiveLimits = XLSX_LIMITS, *, document: str = "classeur"
) -> None:
    """Refuse (ArchiveRefused) an XLSX that is too big, a bomb, or holds a DTD or entities;
    `document` names what the file should be in the messages ("classeur XLSForm")."""
    if len(data) > limits.max_compressed_bytes:
        raise ArchiveRefused(
            f"Le fichier dépasse {_size(limits.max_compressed_bytes)}.", problem="too_large"
        )
    declared = _declared_entries(data)
    if declared is not None and declared > limits.max_entries:
        raise _too_many_entries(declared, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ArchiveRefused(
            f"Ce fichier n'est pas un {document} (.xlsx) lisible : l'archive ZIP est illisible.",
            problem="not_an_archive",
        ) from None
    with archive:
        entries = archive.infolist()
        _check_directory(entries, limits)
        cells = 0
        for entry in entries:
            if _XML_PART.search(entry.filename):
                cells += _check_xml_part(
                    archive, entry, limits, cells_left=limits.max_cells - cells
                )


def _check_directory(entries: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(entries) > limits.max_entries:
        raise _too_many_entries(len(entries), limits)
    total = 0
    for entry in entries:
        if entry.file_size > limits.max_entry_bytes:
            raise ArchiveRefused(
                f"L'élément « {entry.filename[:100]} » de l'archive décompressé ferait "
                f"{_size(entry.file_size)} ; {_size(limits.max_entry_bytes)} au plus.",
                problem="entry_too_large",
            )
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.ratio_grace_bytes and ratio > limits.max_ratio:
            raise ArchiveRefused(
                f"L'élément « {entry.filename[:100]} » de l'archive est compressé "
                f"{ratio:.0f} fois ; {limits.max_ratio} fois au plus (bombe de décompression ?).",
                problem="compression_ratio",
            )
        total += entry.file_size
    if total > limits.max_uncompressed_bytes:
        raise ArchiveRefused(
            f"L'archive décompressée ferait {_size(total)} ; "
            f"{_size(limits.max_uncompressed_bytes)} au plus.",
            problem="uncompressed_too_large",
        )


def _declared_entries(data: bytes) -> int | None:
    """The number of entries the end-of-directory record announces, read before zipfile builds
    an object per entry (thousands of empty entries fit in 1 MB); None when not found."""
    at = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - _END_OF_DIRECTORY_SEARCH))
    if at == -1 or at + 22 > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return None if total == 0xFFFF else int(total)  # 0xFFFF: a ZIP64 count, zipfile reads it


def _too_many_entries(count: int, limits: ArchiveLimits) -> ArchiveRefused:
    return ArchiveRefused(
        f"L'archive contient {count} éléments ; {limits.max_entries} au plus.",
        problem="too_many_entries",
    )


def _check_xml_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: ArchiveLimits, *, cells_left: int
) -> int:
    """Refuse a part that breaks `limits`; returns how many cells it holds."""
    checker = _PartChecker(entry.filename[:100], limits, cells_left=cells_left)
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                checker.parser.Parse(chunk, False)
        checker.parser.Parse(b"", True)
    except _DeclaresEntities:
        raise ArchiveRefused(
            f"La partie « {checker.part} » du classeur déclare un type de document ou des "
            "entités XML, ce qu'un classeur .xlsx ne fait jamais : refusée.",
            problem="xml_entities",
        ) from None
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise ArchiveRefused(
            f"La partie « {checker.part} » du classeur est illisible (XML ou archive abîmés).",
            problem="unreadable_part",
        ) from None
    return checker.cells


class _DeclaresEntities(Exception):
    pass


class _PartChecker:
    """Expat handlers counting, as the XML streams, each text's length, a sheet's extent and
    its cells. A document type declaration stops the parse before any entity is declared:
    the guard defusedxml puts on expat (openpyxl parses with defusedxml afterwards)."""

    def __init__(self, part: str, limits: ArchiveLimits, *, cells_left: int) -> None:
        self.part = part
        self.limits = limits
        self.cells = 0
        self._cells_left = cells_left
        self._text = 0
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.ExternalEntityRefHandler = self._refuse_dtd  # type: ignore[assignment]
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        self.parser = parser

    def _refuse_dtd(self, *_: Any) -> None:  # any handler's signature: it never returns
        raise _DeclaresEntities

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self._text = 0
        local = name.rpartition(":")[2]
        if local == "c":
            self.cells += 1
            if self.cells > self._cells_left:
                raise ArchiveRefused(
                    f"Le classeur compte plus de {self.limits.max_cells} cellules.",
                    problem="too_many_cells",
                )
            self._within(attributes.get("r", ""))
        elif local == "row":
            row = attributes.get("r", "")
            if row.isdigit():
                self._rows(int(row))
        elif local == "dimension":
            for reference in attributes.get("ref", "").split(":"):
                self._within(reference)
        for value in attributes.values():
            if len(value) > self.limits.max_text_chars:
                self._too_long()

    def _end(self, _name: str) -> None:
        self._text = 0

    def _characters(self, content: str) -> None:
        self._text += len(content)
        if self._text > self.limits.max_text_chars:
            self._too_long()

    def _too_long(self) -> None:
        raise ArchiveRefused(
            f"Un texte de la partie « {self.part} » dépasse {self.limits.max_text_chars} "
            "caractères.",
            problem="text_too_long",
        )

    def _within(self, reference: str) -> None:
        found = _CELL_REFERENCE.match(reference)
        if found is None:
            return
        letters, row = found.groups()
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - ord("A") + 1
        if column > self.limits.max_columns:
            raise ArchiveRefused(
                f"La feuille « {self.part} » s'étend jusqu'à la colonne {letters.upper()} ; "
                f"{self.limits.max_columns} colonnes au plus.",
                problem="too_many_columns",
            )
        self._rows(int(row))

    def _rows(self, row: int) -> None:
        if row > self.limits.max_rows:
            raise ArchiveRefused(
                f"La feuille « {self.part} » s'étend jusqu'à la ligne {row} ; "
                f"{self.limits.max_rows} lignes au plus.",
                problem="too_many_rows",
            )


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:.1f} Mio".replace(".", ",")
    return f"{count / 1024:.0f} Kio"
