"""The headers of a download, whatever its file name holds: one function for every service.

File names come from user input (a questionnaire's key, a campaign's slug, an attachment's
original name): an HTTP header must stay Latin-1, a quote would end the parameter and a line
break the header. Found by the contract fuzzing: a questionnaire key outside Latin-1 made its
download fail. RFC 6266: an ASCII `filename` for old clients, the exact name as `filename*`
(RFC 5987, UTF-8 percent-encoded) for the others; both keep the extension, so the file opens
with the right program. Always `attachment`, with `nosniff`: the browser saves the file, it
never renders it in the site's origin nor guesses another type than the one sent.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from services.common.header_text import header_text

MAX_NAME = 150


def safe_filename(filename: str, *, default: str = "fichier") -> str:
    """`filename` on one line, without a folder, at most MAX_NAME characters with its
    extension kept."""
    name = header_text(filename.replace("\\", "/").rsplit("/", 1)[-1], max_length=10_000)
    name = name.strip(" .") or default
    if len(name) <= MAX_NAME:
        return name
    suffix = PurePosixPath(name).suffix[:20]
    return name[: MAX_NAME - len(suffix)].rstrip() + suffix


def attachment(filename: str) -> dict[str, str]:
    """Headers offering the response as a download named `filename`."""
    name = safe_filename(filename)
    fallback = "".join(
        character
        if character.isascii() and character.isprintable() and character not in '"\\'
        else "_"
        for character in name
    )
    return {
        "Content-Disposition": f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(name, safe='', errors='replace')}",
        "X-Content-Type-Options": "nosniff",
    }
