"""`iat-admin` end to end: migrate, seed, staff accounts and integrators' tokens."""

from __future__ import annotations

import gc
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, inspect, select

from services.cli import main as iat_admin
from services.common.database import create_db_engine
from services.databases import DATABASES
from tests.conftest import METADATA, TEST_SECRET_KEY, ClientFactory, Databases, empty_database_url
from tests.helpers import PASSWORD, add_staff, assert_problem, bearer, sign_in

ROOT = Path(__file__).resolve().parents[2]
ENV_NAMES = {
    "catalogue": "CATALOGUE_DATABASE_URL",
    "survey": "SURVEY_DATABASE_URL",
    "auditions": "AUDITIONS_DATABASE_URL",
    "accounts": "AUTH_DATABASE_URL",
}
NEW_PASSWORD = "mot-de-passe-de-lea-2026"


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """Whatever the CLI left for the garbage collector is reported in its own test."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`migrate` lets Alembic configure logging from alembic.ini; undo it after the test."""
    loggers = [logging.getLogger(name) for name in ("", "alembic", "sqlalchemy.engine")]
    saved = [(lg, lg.level, lg.handlers[:], lg.propagate, lg.disabled) for lg in loggers]
    yield
    for lg, level, handlers, propagate, disabled in saved:
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate
        lg.disabled = disabled


def _point_cli_at(monkeypatch: pytest.MonkeyPatch, urls: dict[str, str]) -> None:
    for name, variable in ENV_NAMES.items():
        monkeypatch.setenv(variable, urls[name])
    monkeypatch.setenv("AUTH_SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("IAT_ALEMBIC_INI", str(ROOT / "alembic.ini"))


@pytest.fixture
def cli(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Databases:
    """`iat-admin` pointed at the test databases (already migrated)."""
    _point_cli_at(monkeypatch, databases.urls)
    return databases


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()  # drop what earlier requests logged
    code = iat_admin(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _add_with_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], password: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return _run(capsys, "staff", "add", *argv, "--password-stdin")


def _staff_rows(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    code, out, _ = _run(capsys, "staff", "list")
    assert code == 0
    return [line.split("\t") for line in out.splitlines()]


def _token_rows(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    code, out, _ = _run(capsys, "token", "list")
    assert code == 0
    return [line.split("\t") for line in out.splitlines()]


# --- migrate, seed ---------------------------------------------------------------------------


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url, pool_size=1)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_builds_the_four_databases_from_empty(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    urls = {
        name: empty_database_url(backend, f"cli_{name}", tmp_path=tmp_path, request=request)
        for name in METADATA
    }
    _point_cli_at(monkeypatch, urls)

    code, out, _ = _run(capsys, "migrate")

    assert code == 0
    assert out.splitlines() == [f"{name} : schéma à jour" for name in METADATA]
    for name, metadata in METADATA.items():
        # The catalogue's full-text index (FTS5 tables on SQLite) is built by a migration too.
        tables = _tables(urls[name]) - DATABASES[name].unmanaged
        assert tables == {*metadata.tables, "alembic_version"}, name
    # Running it again is harmless.
    assert _run(capsys, "migrate", "--service", "catalogue")[:2] == (
        0,
        "catalogue : schéma à jour\n",
    )


def test_migrate_refuses_an_unknown_database(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        iat_admin(["migrate", "--service", "compta"])

    assert exit_info.value.code == 2
    assert "--service" in capsys.readouterr().err


COLLECTIONS = {"catalogue": "/use-cases", "survey": "/campaigns", "auditions": "/events"}


def test_seed_twice_adds_the_demo_once_and_its_admin_signs_in(
    cli: Databases,
    client_for: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_EMAIL", "demo@example.org")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "une-demo-bien-gardee")
    clients = {name: client_for(name) for name in COLLECTIONS}

    def public_totals() -> dict[str, int]:
        return {name: clients[name].get(path).json()["total"] for name, path in COLLECTIONS.items()}

    first = _run(capsys, "seed")
    totals = public_totals()
    second = _run(capsys, "seed")

    assert first[0] == 0
    for name in COLLECTIONS:
        assert re.search(rf"^{name} : \d+ éléments de démonstration ajoutés$", first[1], re.M)
        assert totals[name] > 0
    assert "compte de démonstration : demo@example.org / une-demo-bien-gardee" in first[1]
    assert second == (
        0,
        "catalogue : déjà rempli\n"
        "survey : déjà rempli\n"
        "auditions : déjà rempli\n"
        "compte de démonstration : demo@example.org / une-demo-bien-gardee\n",
        "",
    )
    assert public_totals() == totals
    catalogue = clients["catalogue"]
    headers = bearer(catalogue, email="demo@example.org", password="une-demo-bien-gardee")
    assert catalogue.get("/auth/me", headers=headers).json()["roles"] == ["admin"]
    assert_problem(sign_in(catalogue, email="admin@example.org", password="demo-admin-2026"), 401)


def test_seed_sets_the_demo_account_to_the_password_it_announces(
    cli: Databases,
    client_for: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DEMO_ADMIN_EMAIL", "demo@example.org")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "premier-mot-de-passe")
    _run(capsys, "seed")
    _run(capsys, "staff", "disable", "demo@example.org")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "second-mot-de-passe")

    code, out, _ = _run(capsys, "seed")

    assert code == 0
    assert "compte de démonstration : demo@example.org / second-mot-de-passe" in out
    catalogue = client_for("catalogue")
    assert_problem(
        sign_in(catalogue, email="demo@example.org", password="premier-mot-de-passe"), 401
    )
    headers = bearer(catalogue, email="demo@example.org", password="second-mot-de-passe")
    assert catalogue.get("/auth/me", headers=headers).json()["email"] == "demo@example.org"


def test_issuing_a_token_without_a_signing_key_saves_nothing(
    cli: Databases, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AUTH_SECRET_KEY")

    code, _, err = _run(capsys, "token", "issue", "--name", "Portail", "--scope", "catalogue:read")

    assert code == 2
    assert "AUTH_SECRET_KEY" in err
    assert _token_rows(capsys) == []


# --- staff -----------------------------------------------------------------------------------


def test_staff_add_reads_the_password_on_stdin(
    cli: Databases,
    client_for: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _add_with_stdin(
        monkeypatch,
        capsys,
        NEW_PASSWORD,
        "Lea@Example.org",
        "--name",
        "Léa Martin",
        "--role",
        "moderator",
        "--role",
        "analyst",
    )

    assert code == 0
    assert out == "compte créé : lea@example.org (analyst moderator)\n"
    assert NEW_PASSWORD not in out
    client = client_for("survey")
    me = client.get(
        "/auth/me", headers=bearer(client, email="lea@example.org", password=NEW_PASSWORD)
    ).json()
    assert (me["email"], me["name"], me["roles"]) == (
        "lea@example.org",
        "Léa Martin",
        ["analyst", "moderator"],
    )


def test_staff_list_shows_every_account_in_order(
    cli: Databases, capsys: pytest.CaptureFixture[str]
) -> None:
    add_staff(cli.urls["accounts"], email="zoe@example.org", roles=["organiser"])
    add_staff(cli.urls["accounts"], email="ali@example.org", roles=["admin", "analyst"])

    assert _staff_rows(capsys) == [
        ["ali@example.org", "admin analyst", "actif", "ali@example.org"],
        ["zoe@example.org", "organiser", "actif", "zoe@example.org"],
    ]


def test_staff_disable_then_enable(
    cli: Databases, client_for: ClientFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    clients = [client_for(name) for name in ("catalogue", "survey", "auditions")]
    add_staff(cli.urls["accounts"], email="lea@example.org", roles=["moderator"])
    headers = bearer(clients[0], email="lea@example.org")

    assert _run(capsys, "staff", "disable", "LEA@example.org") == (
        0,
        "lea@example.org : désactivé\n",
        "",
    )

    assert _staff_rows(capsys)[0][2] == "désactivé"
    for client in clients:
        assert_problem(client.get("/auth/me", headers=headers), 401)
        assert_problem(sign_in(client, email="lea@example.org"), 401)

    assert _run(capsys, "staff", "enable", "lea@example.org") == (
        0,
        "lea@example.org : réactivé\n",
        "",
    )

    assert _staff_rows(capsys)[0][2] == "actif"
    assert sign_in(clients[1], email="lea@example.org").status_code == 200


def test_staff_disable_an_unknown_account(
    cli: Databases, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "staff", "disable", "personne@example.org")

    assert (code, out) == (2, "")
    assert err == "erreur : Aucun compte pour personne@example.org.\n"


# --- tokens ----------------------------------------------------------------------------------


def _issue(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    code, out, err = _run(capsys, "token", "issue", *args)
    assert code == 0, err
    lines = out.splitlines()
    match = re.match(
        r"^jeton ([0-9a-f]{32}) \(([^)]*)\), valable jusqu'au \d{4}-\d{2}-\d{2}\.$", lines[0]
    )
    assert match is not None, out
    assert "ne sera plus affiché" in err
    return match.group(1), lines[-1]


def test_token_issue_list_and_revoke(
    cli: Databases, client_for: ClientFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    client = client_for("catalogue")
    token_id, token = _issue(
        capsys,
        "--name",
        "Portail",
        "--scope",
        "catalogue:write",
        "--scope",
        "survey:read",
        "--days",
        "30",
    )
    other_id, _ = _issue(capsys, "--name", "Tableau de bord", "--scope", "survey:read")
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["kind"], me["scopes"]) == ("api_token", ["catalogue:write", "survey:read"])

    rows = _token_rows(capsys)
    assert [row[:3] for row in rows] == [
        [token_id, "Portail", "catalogue:write survey:read"],
        [other_id, "Tableau de bord", "survey:read"],
    ]
    assert all(re.match(r"^expire le \d{4}-\d{2}-\d{2}$", row[3]) for row in rows)
    assert token not in "\n".join("\t".join(row) for row in rows)

    assert _run(capsys, "token", "revoke", token_id) == (0, f"jeton {token_id} révoqué\n", "")

    revoked, other = _token_rows(capsys)
    assert revoked[3] == "révoqué"
    assert other[3].startswith("expire le ")
    assert_problem(client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_token_revoke_an_unknown_token(cli: Databases, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "token", "revoke", "0" * 32)

    assert code == 2
    assert err.startswith("erreur : Aucun jeton")


# --- bad input, and nothing saved is lost ----------------------------------------------------


def test_bad_input_is_refused_and_nothing_saved_is_lost(
    cli: Databases,
    client_for: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_staff(cli.urls["accounts"], email="lea@example.org", roles=["moderator"])
    token_id, token = _issue(capsys, "--name", "Portail", "--scope", "catalogue:read")
    staff_before, tokens_before = _staff_rows(capsys), _token_rows(capsys)

    with pytest.raises(SystemExit) as unknown_role:
        _add_with_stdin(monkeypatch, capsys, NEW_PASSWORD, "new@example.org", "--role", "superuser")
    assert unknown_role.value.code == 2
    assert "--role" in capsys.readouterr().err

    refusals = {
        "portée": _run(capsys, "token", "issue", "--name", "X", "--scope", "catalogue:delete"),
        "durée": _run(
            capsys, "token", "issue", "--name", "X", "--scope", "survey:read", "--days", "0"
        ),
        "court": _add_with_stdin(
            monkeypatch, capsys, "court", "new@example.org", "--role", "analyst"
        ),
        "doublon": _add_with_stdin(
            monkeypatch, capsys, NEW_PASSWORD, "LEA@example.org", "--role", "admin"
        ),
        "adresse": _add_with_stdin(
            monkeypatch, capsys, NEW_PASSWORD, "pas-une-adresse", "--role", "analyst"
        ),
    }
    messages = {
        "portée": "Portées invalides : ['catalogue:delete']",
        "durée": "de 1 à 366 jours",
        "court": "au moins 12 caractères",
        "doublon": "Un compte existe déjà pour lea@example.org",
        "adresse": "Adresse e-mail invalide",
    }
    for label, (code, out, err) in refusals.items():
        assert (code, out) == (2, ""), label
        assert err.startswith("erreur : "), (label, err)
        assert messages[label] in err, (label, err)
        assert "Traceback" not in err

    assert _staff_rows(capsys) == staff_before
    assert _token_rows(capsys) == tokens_before
    client = client_for("catalogue")
    me = client.get("/auth/me", headers=bearer(client, email="lea@example.org", password=PASSWORD))
    assert me.json()["roles"] == ["moderator"]
    assert_problem(sign_in(client, email="lea@example.org", password=NEW_PASSWORD), 401)
    assert (
        client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()["name"]
        == "Portail"
    )
    assert token_id in {row[0] for row in _token_rows(capsys)}


def _every_row(urls: dict[str, str]) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    """Every row of every table of the four databases, in primary-key order."""
    rows: dict[str, dict[str, list[tuple[object, ...]]]] = {}
    for name, metadata in METADATA.items():
        engine = create_db_engine(urls[name], pool_size=1)
        try:
            with engine.connect() as connection:
                rows[name] = {
                    table.name: [
                        tuple(row)
                        for row in connection.execute(
                            select(table).order_by(*table.primary_key.columns)
                        )
                    ]
                    for table in metadata.sorted_tables
                }
        finally:
            engine.dispose()
    return rows


def _wipe(urls: dict[str, str]) -> None:
    for name, metadata in METADATA.items():
        engine = create_db_engine(urls[name], pool_size=1)
        try:
            with engine.begin() as connection:
                for table in reversed(metadata.sorted_tables):
                    connection.execute(delete(table))
        finally:
            engine.dispose()


def test_a_backup_restores_every_record(
    cli: Databases, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(capsys, "seed")[0] == 0
    add_staff(cli.urls["accounts"], email="analyste@example.org", roles=["analyst"])
    before = _every_row(cli.urls)
    assert all(before[name] for name in METADATA)

    code, out, err = _run(capsys, "backup", str(tmp_path / "sauvegarde"))
    assert code == 0, err
    assert "catalogue" in out
    _wipe(cli.urls)  # the accident
    assert _every_row(cli.urls) != before

    code, out, err = _run(capsys, "restore", str(tmp_path / "sauvegarde"))
    assert code == 0, err
    assert "restaurées et vérifiées" in out
    assert _every_row(cli.urls) == before


def test_a_folder_that_is_not_a_backup_is_refused_and_nothing_changes(
    cli: Databases, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(capsys, "seed")[0] == 0
    before = _every_row(cli.urls)

    code, _, err = _run(capsys, "restore", str(tmp_path))
    assert code == 2
    assert "n'est pas une sauvegarde" in err
    assert _every_row(cli.urls) == before
