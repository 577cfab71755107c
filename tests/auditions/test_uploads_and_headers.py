"""Attachments (issue 17, class 9) and header injection (class 4) in the hearings service: the
announced 5 MB is reachable, beyond it the answer names the limit, a download keeps its name
and extension and is never rendered; a title with a line break never breaks an e-mail."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.auditions.routes.attachments import MAX_BYTES
from services.common.body_limits import FORM_OVERHEAD
from tests.auditions.conftest import Make
from tests.helpers import assert_problem
from tests.mailbox import Mailbox

MIB = 1024 * 1024


@pytest.fixture
def hearing_url(make: Make) -> tuple[int, str]:
    event = make.event(published=True)
    make.room(event["id"])
    hearing = make.hearing(event["id"])
    return event["id"], f"/events/{event['id']}/hearings/{hearing['id']}/attachments"


def send(
    service: TestClient,
    organiser: dict[str, str],
    url: str,
    name: str,
    data: bytes,
    kind: str = "application/pdf",
) -> object:
    return service.post(
        url, headers=organiser, files={"file": (name, data, kind)}, data={"visibility": "public"}
    )


@pytest.mark.parametrize("size", [2 * MIB, MAX_BYTES])
def test_an_attachment_up_to_the_announced_5_mb_is_stored_and_downloaded_whole(
    service: TestClient, organiser: dict[str, str], hearing_url: tuple[int, str], size: int
) -> None:
    """Found by the security review: above 1 MiB, the body limit answered 413 first."""
    event_id, url = hearing_url
    data = b"%PDF-1.4 " + b"x" * (size - 9)

    stored = send(service, organiser, url, "contribution.pdf", data)

    assert stored.status_code == 201, stored.text  # type: ignore[attr-defined]
    download = service.get(f"/events/{event_id}/attachments/{stored.json()['id']}")  # type: ignore[attr-defined]
    assert download.content == data


def test_beyond_5_mb_the_answer_names_the_limit_and_keeps_what_was_stored(
    service: TestClient, organiser: dict[str, str], hearing_url: tuple[int, str]
) -> None:
    event_id, url = hearing_url
    kept = send(service, organiser, url, "avant.pdf", b"%PDF-1.4 avant")
    assert kept.status_code == 201  # type: ignore[attr-defined]

    just_over = send(service, organiser, url, "gros.pdf", b"x" * (MAX_BYTES + 1))
    far_over = send(service, organiser, url, "enorme.pdf", b"x" * (MAX_BYTES + FORM_OVERHEAD + 1))

    assert "5 Mo" in str(assert_problem(just_over, 422)["detail"])  # type: ignore[arg-type]
    assert str(MAX_BYTES + FORM_OVERHEAD) in str(assert_problem(far_over, 413)["detail"])  # type: ignore[arg-type]
    listed = service.get(f"/events/{event_id}/attachments").json()
    assert [item["filename"] for item in listed] == ["avant.pdf"]
    assert service.get(f"/events/{event_id}/attachments/{listed[0]['id']}").content == (
        b"%PDF-1.4 avant"
    )


def test_other_routes_keep_the_service_body_limit(
    service: TestClient, organiser: dict[str, str]
) -> None:
    response = service.post(
        "/events",
        headers={**organiser, "Content-Type": "application/json"},
        content=b'{"title": "' + b"x" * (2 * MIB) + b'"}',
    )
    assert "1048576" in str(assert_problem(response, 413)["detail"])


@pytest.mark.parametrize(
    ("name", "kind", "saved_as"),
    [
        ("Contribution « finale » ✓.pdf", "application/pdf", "Contribution « finale » ✓.pdf"),
        ("note interne (v2).txt", "text/plain", "note interne (v2).txt"),
        ("compte-rendu", "application/vnd.oasis.opendocument.text", "compte-rendu.odt"),
        ("lisez-moi.pdf", "text/markdown", "lisez-moi.pdf.md"),
    ],
)
def test_a_download_keeps_its_name_and_extension_and_is_never_rendered(
    service: TestClient,
    organiser: dict[str, str],
    hearing_url: tuple[int, str],
    name: str,
    kind: str,
    saved_as: str,
) -> None:
    event_id, url = hearing_url
    stored = send(service, organiser, url, name, b"contenu", kind)
    assert stored.status_code == 201, stored.text  # type: ignore[attr-defined]

    download = service.get(f"/events/{event_id}/attachments/{stored.json()['id']}")  # type: ignore[attr-defined]

    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    found = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert found is not None
    from urllib.parse import unquote

    assert unquote(found.group(1)) == saved_as
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"].startswith(kind)


def test_an_event_title_with_a_line_break_makes_a_one_line_subject(
    service: TestClient, organiser: dict[str, str], make: Make, mailbox: Mailbox
) -> None:
    """A line break in an e-mail subject made the e-mail package raise: a 500, and a header of
    the organiser's typing could have followed (Bcc)."""
    event = make.event(title="Auditions 2026\r\nBcc: intrus@ailleurs.example", published=True)
    actor = service.post(
        f"/events/{event['id']}/actors",
        headers=organiser,
        json={
            "name": "Labo",
            "kind": "research",
            "contacts": [{"name": "Léa", "email": "lea@labo.example"}],
        },
    ).json()

    sent = service.post(
        f"/events/{event['id']}/invitations", headers=organiser, json={"actor_id": actor["id"]}
    )

    assert sent.status_code == 201, sent.text
    message = mailbox.wait_for("lea@labo.example")
    assert message["Subject"] == "Auditions 2026 Bcc: intrus@ailleurs.example : vos disponibilités"
    assert message["Bcc"] is None
    assert all("intrus" not in str(received["To"]) for received in mailbox.messages)
