"""Text that is not valid Unicode text is refused at the edge of every service, naming where.

A lone surrogate, a NUL, a control character or a non-character, once stored, breaks every page
and export that shows it; so it never gets in: 422 problem+json, nothing saved.
"""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from fastapi import FastAPI, File, Form, UploadFile
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from services.auditions.models import Event
from services.catalogue.models import UseCase
from services.common.database import create_db_engine
from services.common.errors import install_error_handlers
from services.common.middleware import BodySizeLimitMiddleware, ValidTextMiddleware
from services.common.request_text import json_errors
from services.common.valid_text import invalid_strings, refused_character
from services.survey.models import Questionnaire
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, assert_problem, bearer

REFUSED = {
    "lone surrogate": "\ud800",
    "lone low surrogate": "\udc00",
    "NUL": "\x00",
    "C0 control": "\x01",
    "escape": "\x1b",
    "DEL": "\x7f",
    "C1 control": "\x85",
    "non-character FFFE": "\ufffe",
    "non-character FDD0": "\ufdd0",
    "non-character of plane 16": "\U0010ffff",
}
ACCEPTED_IN_BODY = [
    "Saint-Étienne",
    "deux\nlignes",
    "un\ttab",
    "retour\r\nchariot",
    "🙂 emoji",
    "Œuvre",
]

# service -> (a write route, its table, the role that may write)
WRITES = {
    "catalogue": ("/use-cases", UseCase, None),
    "survey": ("/questionnaires", Questionnaire, "analyst"),
    "auditions": ("/events", Event, "organiser"),
}


def _count(databases: Databases, service: str, table: type) -> int:
    engine = create_db_engine(databases.urls[service], pool_size=1)
    try:
        with Session(engine) as session:
            return int(session.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def _raw_json(value: object) -> bytes:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a client would send it.
    return json.dumps(value).encode()


@pytest.mark.parametrize("service", sorted(WRITES))
@pytest.mark.parametrize("name", ["lone surrogate", "NUL", "C1 control", "non-character FFFE"])
def test_a_body_with_invalid_text_is_refused_and_nothing_is_saved(
    client_for: ClientFactory, databases: Databases, service: str, name: str
) -> None:
    path, table, role = WRITES[service]
    client = client_for(service)
    headers = {"Content-Type": "application/json"}
    if role is not None:
        headers |= bearer(
            client, email=add_staff(databases.urls["accounts"], email="x@example.org", roles=[role])
        )
    before = _count(databases, service, table)

    response = client.post(
        path, content=_raw_json({"title": f"Titre {REFUSED[name]}"}), headers=headers
    )

    body = assert_problem(response, 422)
    assert body["errors"] == [
        {"loc": ["body", "title"], "msg": body["detail"], "type": "invalid_text"}
    ]
    assert "Texte invalide" in str(body["detail"])
    assert _count(databases, service, table) == before


@pytest.mark.parametrize("service", sorted(WRITES))
def test_invalid_text_in_the_query_or_the_path_is_refused(
    client_for: ClientFactory, service: str
) -> None:
    client = client_for(service)

    nul = assert_problem(client.get("/territories", params={"q": "Rennes\x00"}), 422)
    surrogate = assert_problem(client.get("/territories?q=%ED%A0%80"), 422)
    path = assert_problem(client.get("/territories/35%00"), 422)

    assert nul["errors"] == [{"loc": ["query", "q"], "msg": nul["detail"], "type": "invalid_text"}]
    assert "UTF-8" in str(surrogate["detail"])
    assert path["errors"][0]["loc"] == ["path"]  # type: ignore[index]
    assert client.get("/territories", params={"q": "Saint-Étienne"}).status_code == 200


@pytest.fixture
def echo() -> TestClient:
    """A bare app behind the middleware, echoing what passed it."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/echo")
    def echo_body(body: dict[str, object]) -> dict[str, object]:
        return body

    wrapped = BodySizeLimitMiddleware(ValidTextMiddleware(app), max_bytes=4096)
    return TestClient(wrapped)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_kind_of_refused_character_is_named(echo: TestClient, name: str) -> None:
    body = {"answers": {"q1": ["ok", f"x{REFUSED[name]}"]}}

    problem = assert_problem(
        echo.post("/echo", content=_raw_json(body), headers={"Content-Type": "application/json"}),
        422,
    )

    assert problem["errors"][0]["loc"] == ["body", "answers", "q1", 1]  # type: ignore[index]
    assert f"U+{ord(REFUSED[name]):04X}" in str(problem["detail"])


@pytest.mark.parametrize("text", ACCEPTED_IN_BODY)
def test_valid_text_passes_unchanged(echo: TestClient, text: str) -> None:
    response = echo.post("/echo", json={"text": text})

    assert response.status_code == 200
    assert response.json() == {"text": text}


def test_a_refused_key_is_shown_escaped(echo: TestClient) -> None:
    problem = assert_problem(
        echo.post(
            "/echo", content=_raw_json({"a\ud800": 1}), headers={"Content-Type": "application/json"}
        ),
        422,
    )

    assert problem["errors"][0]["loc"] == ["body", "a\\ud800"]  # type: ignore[index]


def test_a_form_body_and_a_header_are_checked(echo: TestClient) -> None:
    form = echo.post(
        "/echo",
        content=b"name=a%00b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    header = echo.post("/echo", json={}, headers={"X-Note": "a\x01b"})

    assert assert_problem(form, 422)["errors"][0]["loc"] == ["body", "name"]  # type: ignore[index]
    assert assert_problem(header, 422)["errors"][0]["loc"] == ["header", "x-note"]  # type: ignore[index]


def test_a_streamed_body_over_the_limit_is_still_a_413(echo: TestClient) -> None:
    # Streamed without a length, the body is refused while the middleware reads it.
    chunks = iter([b'{"a": "', b"x" * 5000, b'"}'])

    response = echo.post("/echo", content=chunks, headers={"Content-Type": "application/json"})

    assert_problem(response, 413)


def test_single_line_text_refuses_line_breaks_and_tabs() -> None:
    assert refused_character("a\nb", multiline=False) is not None
    assert refused_character("a\tb", multiline=False) is not None
    assert refused_character("a\nb\tc", multiline=True) is None


@pytest.fixture
def echo_form() -> TestClient:
    """A bare app behind the middleware taking a multipart form with a file."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/upload")
    async def upload(
        file: Annotated[UploadFile, File()], note: Annotated[str, Form()] = ""
    ) -> dict[str, object]:
        return {"filename": file.filename, "note": note, "size": len(await file.read())}

    return TestClient(BodySizeLimitMiddleware(ValidTextMiddleware(app), max_bytes=4096))


def test_a_multipart_field_and_a_file_name_are_checked_but_not_the_file_bytes(
    echo_form: TestClient,
) -> None:
    binary = bytes(range(256))  # a PDF or an image holds any byte

    passed = echo_form.post("/upload", files={"file": ("note.pdf", binary)}, data={"note": "a\nb"})
    field = echo_form.post("/upload", files={"file": ("a.pdf", b"x")}, data={"note": "a\x00b"})
    name = echo_form.post("/upload", files={"file": ("a\x1b.pdf", b"x")})

    assert passed.json() == {"filename": "note.pdf", "note": "a\nb", "size": 256}
    assert assert_problem(field, 422)["errors"][0]["loc"] == ["body", "note"]  # type: ignore[index]
    assert assert_problem(name, 422)["errors"][0]["loc"] == ["body", "file", "filename"]  # type: ignore[index]


def test_a_multipart_field_that_is_not_utf8_is_refused(echo_form: TestClient) -> None:
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
            f'x\r\n--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        ).encode()
        + b"\xed\xa0\x80\r\n"
        + f"--{boundary}--\r\n".encode()
    )

    response = echo_form.post(
        "/upload",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert "UTF-8" in str(assert_problem(response, 422)["detail"])


def test_a_json_body_without_content_type_is_checked(echo: TestClient) -> None:
    # FastAPI reads a body without Content-Type as JSON: so does the check.
    response = echo.post("/echo", content=_raw_json({"a": "\ud800"}))

    assert assert_problem(response, 422)["errors"][0]["loc"] == ["body", "a"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        (rb'{"a": "bip\b"}', ["body", "a"]),
        (rb'{"a": "page\f"}', ["body", "a"]),
        (rb'{"cl\u00e9\n": 1}', ["body", "cl\u00e9\\u000a"]),
        (
            rb'{"x": [{"une\"cl\u00e9\nsur deux lignes": 1}]}',
            ["body", "x", 0, 'une"cl\u00e9\\u000asur deux lignes'],
        ),
        (rb'{"a": "\ud83d\ude42 puis \udc00"}', ["body", "a"]),
        (b'{"a": "\xc2\x85"}', ["body", "a"]),
        (b'{"a": "\xef\xbf\xbe"}', ["body", "a"]),
        (b'{"a": "\xf4\x8f\xbf\xbf"}', ["body", "a"]),
        (b'{"a": "\x7f"}', ["body", "a"]),
    ],
)
def test_refused_text_behind_escapes_or_raw_bytes_is_found(
    echo: TestClient, raw: bytes, loc: list[object]
) -> None:
    response = echo.post("/echo", content=raw, headers={"Content-Type": "application/json"})

    assert assert_problem(response, 422)["errors"][0]["loc"] == loc  # type: ignore[index]


@pytest.mark.parametrize(
    "raw",
    [
        rb'{"a": "deux\nlignes \u00e9t\u00e9 \u2019 \ud83d\ude42", "b\u00e9": "\\u0000 est du texte"}',
        '{"a": "«\u00a0guillemets\u00a0» 🙂 Œuvre ÿ п"}'.encode(),
    ],
)
def test_valid_text_behind_escapes_passes(echo: TestClient, raw: bytes) -> None:
    response = echo.post("/echo", content=raw, headers={"Content-Type": "application/json"})

    assert response.status_code == 200
    assert response.json() == json.loads(raw)


_ANY_TEXT = st.text(
    alphabet=st.sampled_from(
        [*'aé«\u00a0"\\/\n\t\r\b\f', *REFUSED.values(), "\U0001fffe", "\U0001f642", "\u2019"]
    ),
    max_size=8,
)
_ANY_JSON = st.recursive(
    _ANY_TEXT | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(value=_ANY_JSON, ascii_only=st.booleans())
def test_the_fast_scan_of_a_json_body_never_misses_what_the_parsed_check_finds(
    value: object, ascii_only: bool
) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", errors="surrogatepass")

    fast = json_errors(raw)

    assert fast == list(invalid_strings(json.loads(raw), ("body",)))


def test_a_form_is_read_as_starlette_reads_it(echo: TestClient) -> None:
    # Starlette decodes a raw (not %-escaped) byte as Latin-1: b"\xc3\x85" would be stored as
    # "Ã\x85", a C1 control; escaped, the same bytes are "Å", valid.
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    raw = echo.post("/echo", content=b"name=\xc3\x85", headers=form)
    escaped = echo.post("/echo", content=b"name=%C3%85", headers=form)

    assert "U+0085" in str(assert_problem(raw, 422)["detail"])
    assert "invalid_text" not in escaped.text
