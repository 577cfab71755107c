"""Text made fit for one header line, and the headers of a download, read back by a real
header parser (the standard library's e-mail package, which reads RFC 2231/5987 parameters
as browsers do)."""

from __future__ import annotations

from email.message import EmailMessage, Message
from email.utils import collapse_rfc2231_value

import pytest

from services.common.downloads import MAX_NAME, attachment
from services.common.header_text import header_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Auditions\r\nBcc: intrus@example.org", "Auditions Bcc: intrus@example.org"),
        ("a\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i", "a b c d e f g h i"),
        ("  trop   d'espaces\t ", "trop d'espaces"),
        ("facture\u202efdp.exe", "facturefdp.exe"),  # read backwards without the override
        ("moitié \ud800 isolée", "moitié isolée"),
        ("Émile « Zola » ✓", "Émile « Zola » ✓"),
    ],
)
def test_header_text_is_one_clean_line(text: str, expected: str) -> None:
    assert header_text(text) == expected


def test_header_text_is_cut_with_an_ellipsis() -> None:
    cut = header_text("mot " * 100, max_length=50)
    assert len(cut) <= 50
    assert cut.endswith("…")


def test_every_subject_survives_the_email_package() -> None:
    message = EmailMessage()
    message["Subject"] = header_text("Titre\r\nBcc: intrus@example.org\x00")
    assert "\n" not in str(message["Subject"])
    assert message["Bcc"] is None


def filename(headers: dict[str, str], *, fallback: bool = False) -> str | None:
    """The name a browser saves the file under: `filename*` when present (RFC 6266, 4.3),
    else `filename`; with `fallback`, the one an old client reads."""
    message = Message()  # compat32: the parameters as sent, each one
    message["Content-Disposition"] = headers["Content-Disposition"]
    found: dict[str, str] = {}
    for name, value in message.get_params(header="content-disposition", failobj=[])[1:]:
        if isinstance(value, tuple):
            found["filename*"] = collapse_rfc2231_value(value)
        else:
            found[name] = value
    return found.get("filename") if fallback else found.get("filename*", found.get("filename"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cas-d-usage-ia.csv", "cas-d-usage-ia.csv"),
        ('contribution "finale".pdf', 'contribution "finale".pdf'),
        ("édition 2027 ✓.xlsx", "édition 2027 ✓.xlsx"),
        ("compte\r\nSet-Cookie: x=1.pdf", "compte Set-Cookie: x=1.pdf"),
        ("../../etc/passwd", "passwd"),
        ("dossier\\note.txt", "note.txt"),
        ("moitié\ud800.odt", "moitié .odt"),
        ("", "fichier"),
    ],
)
def test_a_download_keeps_its_name_and_extension(name: str, expected: str) -> None:
    headers = attachment(name)

    header = headers["Content-Disposition"]
    assert header.isascii()
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith("attachment;")
    assert filename(headers) == expected
    old_clients = filename(headers, fallback=True)
    assert old_clients is not None
    assert old_clients.isascii()
    assert old_clients.rsplit(".", 1)[-1] == expected.rsplit(".", 1)[-1]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_long_name_is_cut_before_its_extension() -> None:
    name = filename(attachment("r" * 400 + ".pdf"))
    assert name is not None
    assert len(name) == MAX_NAME
    assert name.endswith(".pdf")
