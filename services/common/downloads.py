"""The Content-Disposition header of a download, whatever its file name holds.

File names come from user input (a questionnaire's key, a campaign's slug): an HTTP header
must stay Latin-1 and a quote would end the parameter. Found by the contract fuzzing: a
questionnaire key outside Latin-1 made its download fail. RFC 6266: an ASCII `filename` for
old clients, the exact name as `filename*` (RFC 5987) for the others.
"""

from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str) -> dict[str, str]:
    """Headers offering the response as a download named `filename`."""
    fallback = "".join(
        character
        if character.isascii() and character.isprintable() and character not in '"\\'
        else "_"
        for character in filename
    )
    return {
        "Content-Disposition": f'attachment; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(filename, safe='')}"
    }
