"""A Python client generated from each service's OpenAPI document runs a real flow.

openapi-python-client (pinned in the dev dependencies) generates a client from the document
each service serves, with no warning: a warning means an operation or an answer left out of
the client. The client is then used as an integrator would, against the service under uvicorn
on a free port (real HTTP, real SMTP on loopback for the e-mailed links), on SQLite and
PostgreSQL: publish a fiche (catalogue), answer a survey (survey), read an agenda (auditions).
Every generated call raises on a status the document does not name
(`raise_on_unexpected_status`), so the flows also check that the answers are documented.
"""

from __future__ import annotations

import importlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import altcha
import httpx
import pytest
import uvicorn
from sqlmodel import Session

from services.auditions.seed import seed_auditions
from services.common.database import create_db_engine
from tests.catalogue.support import COMPLETE
from tests.catalogue.support import token_from_mail as edit_token_from_mail
from tests.conftest import SERVICES, ClientFactory, Databases
from tests.helpers import PASSWORD, add_staff
from tests.mailbox import Mailbox
from tests.survey.support import light_survey
from tests.survey.support import token_from_mail as answer_token_from_mail
from tests.test_operation_ids import served_document

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
# The generator reads only JSON, text and octet-stream answers; an XLSX download is a file.
# Read as bytes by a generated client (the generator knows neither): a workbook, a feed.
CONTENT_TYPE_OVERRIDES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "application/octet-stream",
    "application/atom+xml": "application/octet-stream",
}

Operation = Callable[[str], ModuleType]


def _generate(service: str, folder: Path) -> str:
    """Generate the client of `service` into `folder`; returns its package name."""
    package = f"{service}_client"
    spec = folder / f"{service}.json"
    spec.write_text(json.dumps(served_document(service)), encoding="utf-8")
    config = folder / f"{service}.config.json"
    config.write_text(
        json.dumps(
            {
                "package_name_override": package,
                "project_name_override": f"{service}-client",
                "content_type_overrides": CONTENT_TYPE_OVERRIDES,
                "post_hooks": [],
            }
        ),
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(folder / package),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    return package


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Operation]:
    """For each service, a function from an operationId to its generated module."""
    folder = tmp_path_factory.mktemp("clients")
    sys.path.insert(0, str(folder))
    found: dict[str, Operation] = {}
    for service in SERVICES:
        package = _generate(service, folder)
        importlib.import_module(package)

        def operation(name: str, package: str = package) -> ModuleType:
            (path,) = (folder / package / "api").glob(f"*/{name}.py")
            return importlib.import_module(f"{package}.api.{path.parent.name}.{name}")

        found[service] = operation
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live(databases: Databases, mailbox: Mailbox) -> Iterator[Callable[[str], str]]:
    """Start a service under uvicorn on the test databases; returns its base address."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(service: str) -> str:
        create_app, settings_class = SERVICES[service]
        settings = settings_class.model_validate(
            {
                "database_url": databases.urls[service],
                "auth": databases.auth_settings(),
                "mail": mailbox.settings(),
            }
        )
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "uvicorn stopped"
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


class Clients:
    """The generated clients a test opens, closed at its end (their sockets with them)."""

    def __init__(self) -> None:
        self.opened: list[Any] = []

    def open(
        self, operation: Operation, base_url: str, token: str | None = None, prefix: str = "Bearer"
    ) -> Any:
        package = sys.modules[operation("health").__name__.split(".")[0]]
        if token is None:
            client = package.Client(base_url=base_url, raise_on_unexpected_status=True)
        else:
            client = package.AuthenticatedClient(
                base_url=base_url, token=token, prefix=prefix, raise_on_unexpected_status=True
            )
        self.opened.append(client)
        return client

    def sign_in(self, operation: Operation, base_url: str, email: str) -> Any:
        issue = operation("issue_token")
        answer = issue.sync_detailed(
            client=self.open(operation, base_url),
            body=issue.BodyIssueToken(username=email, password=PASSWORD),
        )
        assert answer.status_code == 200, answer.content
        return self.open(operation, base_url, answer.parsed.access_token)


@pytest.fixture
def clients() -> Iterator[Clients]:
    opened = Clients()
    yield opened
    for client in opened.opened:
        client.get_httpx_client().close()


def test_a_generated_catalogue_client_publishes_a_fiche(
    generated: dict[str, Operation],
    live: Callable[[str], str],
    clients: Clients,
    databases: Databases,
    mailbox: Mailbox,
) -> None:
    operation = generated["catalogue"]
    base_url = live("catalogue")
    anonymous = clients.open(operation, base_url)

    propose = operation("propose_use_case")
    proposal = propose.Proposal.from_dict({**COMPLETE, "submitter_email": "agent@ville.example.fr"})
    # An anonymous proposal carries a solved proof of work, as the site's form sends it.
    with httpx.Client() as http:
        challenge = altcha.Challenge.from_dict(http.get(f"{base_url}/proof-of-work").json())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    solved = anonymous.with_headers({"Altcha": altcha.Payload(challenge, solution).to_base64()})
    clients.opened.append(solved)  # closed with the others
    proposed = propose.sync_detailed(client=solved, body=proposal)
    assert proposed.status_code == 201, proposed.content
    use_case_id = proposed.parsed.id
    assert edit_token_from_mail(mailbox, "agent@ville.example.fr")

    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    moderator = clients.sign_in(operation, base_url, "moderatrice@example.org")
    preview = operation("preview_use_case").sync(client=moderator, use_case_id=use_case_id)
    published = operation("publish_use_case").sync_detailed(
        client=moderator,
        use_case_id=use_case_id,
        if_match=f'"{preview.version}"',
        # The decision's message is optional; the generated code sends an absent one as
        # UNSET, which httpx cannot encode: None is "no message".
        body=None,
    )
    assert published.status_code == 200, published.content
    assert published.parsed.status == "published"

    read = operation("read_use_case").sync(client=anonymous, use_case_id=use_case_id)
    assert read.title == COMPLETE["title"]
    listed = operation("list_use_cases").sync(client=anonymous)
    assert [item.id for item in listed.items] == [use_case_id]
    stale = operation("publish_use_case").sync_detailed(
        client=moderator, use_case_id=use_case_id, if_match='"1"', body=None
    )
    assert stale.status_code in (409, 412)
    assert stale.parsed.status == stale.status_code  # a Problem, as documented


def test_a_generated_survey_client_answers_a_survey(
    generated: dict[str, Operation],
    live: Callable[[str], str],
    clients: Clients,
    databases: Databases,
    client_for: ClientFactory,
    mailbox: Mailbox,
) -> None:
    operation = generated["survey"]
    questionnaire_id = light_survey(databases, client_for).questionnaire_id
    base_url = live("survey")
    add_staff(databases.urls["accounts"], email="analyste.client@example.org", roles=["analyst"])
    analyst = clients.sign_in(operation, base_url, "analyste.client@example.org")

    create = operation("create_campaign")
    campaign = create.sync(
        client=analyst,
        body=create.CampaignCreate.from_dict(
            {
                "title": "Observation par le client généré",
                "description": "Campagne de test",
                "opens_on": "2020-01-01",
                "closes_on": "2099-12-31",
                "questionnaire_id": questionnaire_id,
            }
        ),
    )
    invite = operation("import_invitations")
    invited = invite.sync_detailed(
        client=analyst,
        campaign_id=campaign.id,
        body=invite.InvitationsIn.from_dict({"csv": "243500139;dgs@rennes-metropole.example"}),
    )
    assert invited.status_code == 200, invited.content

    token = answer_token_from_mail(mailbox, "dgs@rennes-metropole.example")
    respondent = clients.open(operation, base_url, token, prefix="PrivateLink")
    state = operation("read_response").sync_detailed(client=respondent)
    assert state.status_code == 200, state.content
    save = operation("save_answers")
    saved = save.sync_detailed(
        client=respondent,
        body=save.AnswersIn.from_dict(
            {
                "answers": {
                    "role_repondant": "dgs",
                    "usage_ia": "non",
                    "dpd": "oui",
                    "usage_agents": "rarement",
                    "charte": "non",
                    "attentes": ["retours", "formation"],
                }
            }
        ),
    )
    assert saved.status_code == 200, saved.content
    submitted = operation("submit").sync_detailed(client=respondent)
    assert submitted.status_code == 200, submitted.content
    assert json.loads(submitted.content)["status"] == "submitted"
    stranger = clients.open(operation, base_url, "jeton-inconnu", prefix="PrivateLink")
    refused = operation("read_response").sync_detailed(client=stranger)
    assert refused.status_code in (401, 404)
    assert refused.parsed.status == refused.status_code  # a Problem, as documented


def test_a_generated_auditions_client_reads_an_agenda(
    generated: dict[str, Operation],
    live: Callable[[str], str],
    clients: Clients,
    databases: Databases,
) -> None:
    engine = create_db_engine(databases.urls["auditions"], pool_size=1)
    with Session(engine) as session:
        seed_auditions(session)
        session.commit()
    engine.dispose()
    operation = generated["auditions"]
    anonymous = clients.open(operation, live("auditions"))

    events = operation("list_events").sync(client=anonymous)
    agendas = [
        operation("read_agenda").sync_detailed(client=anonymous, event_id=event.id)
        for event in events.items
    ]
    published = [agenda.parsed for agenda in agendas if agenda.status_code == 200]
    assert len(published) == 1
    (agenda,) = published
    assert agenda.release.name == "Version 1"
    assert agenda.entries
    assert agenda.event.id in [event.id for event in events.items]
    missing = operation("read_agenda").sync_detailed(client=anonymous, event_id=999_999)
    assert missing.status_code == 404
    assert missing.parsed.status == 404
