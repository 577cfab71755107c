"""Who may call what: every operation of every service × every kind of caller.

The operations are read from each running service's own route table; each must have a rule
in RULES, or the first test fails: a new endpoint cannot ship without saying who may call it.
For every operation the second test sends one request per caller — anonymous, each staff role,
an integrator token with and without the right scope, an expired staff token, a revoked
integrator token, and a private link where the operation takes one — and checks the status.
Refused callers get exactly 401 or 403 (404 for a link that is not valid there); admitted
callers get anything but 401 and 403: their request may still be a 404 or a 422, because ids
and bodies here are placeholders and only the door is under test. The links themselves
(another local authority's survey link, another fiche's edit link) are checked in
test_links_open_only_their_own_door.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.common.auth import accounts
from services.common.auth.dependencies import optional_principal
from services.common.auth.models import ROLES
from services.common.auth.tokens import encode_token, issue_api_token
from services.common.database import create_db_engine
from services.common.sql import utcnow
from tests.catalogue.support import COMPLETE
from tests.catalogue.support import token_from_mail as catalogue_token_from_mail
from tests.conftest import ClientFactory, Databases
from tests.helpers import add_staff, bearer, private_link, proof_of_work
from tests.mailbox import Mailbox
from tests.survey.support import (
    PLELAN,
    RENNES,
    create_campaign,
    invite,
    light_survey,
    token_from_mail,
)

# The kernel's own routes (health, metrics, sign-in, territories, proof-of-work challenges) are
# public by design and tested in tests/common; this matrix is about the services' routes.
KERNEL = re.compile(
    r"^/(health|ready|metrics|territories|auth/|proof-of-work|openapi\.json|docs|redoc)"
)


@dataclass(frozen=True)
class Rule:
    """Staff holding `role` (admins hold every role) or integrator tokens with `scope`; with
    no role, anyone. `link` names the private link the operation takes instead."""

    role: str | None = None
    scope: str | None = None
    link: str | None = None


PUBLIC = Rule()
ANALYST = Rule(role="analyst")
ORGANISER = Rule(role="organiser")
SURVEY_LINK = Rule(link="survey")  # Authorization: PrivateLink <token of the e-mailed link>
ACTOR_LINK = Rule(link="actor")  # the token of a member's or contact's calendar feed, in the query
# Authorization: PrivateLink <token of the e-mailed availability link>
AVAILABILITY_LINK = Rule(link="availability")
EDIT_LINK = Rule(link="fiche")  # Authorization: PrivateLink <token of the fiche's edit link>
MODERATOR = Rule(role="moderator", scope="catalogue:write")
# A fiche is edited by its contributor (edit link) or by a moderator.
MODERATOR_OR_EDIT_LINK = Rule(role="moderator", scope="catalogue:write", link="fiche")

RULES: dict[str, dict[tuple[str, str], Rule]] = {
    "catalogue": {
        ("GET", "/use-cases"): PUBLIC,
        ("GET", "/use-cases/suggestions"): PUBLIC,
        ("GET", "/use-cases/{use_case_id}"): PUBLIC,
        ("GET", "/use-cases/{use_case_id}/similar"): PUBLIC,
        ("GET", "/use-cases/{use_case_id}/history"): PUBLIC,
        ("GET", "/use-cases/{use_case_id}/history.atom"): PUBLIC,
        ("GET", "/use-cases/changes"): PUBLIC,
        ("GET", "/feeds/use-cases.atom"): PUBLIC,
        ("GET", "/vocabularies"): PUBLIC,
        ("GET", "/schema/use-case.json"): PUBLIC,
        # Anyone may propose a fiche, without an account.
        ("POST", "/use-cases"): PUBLIC,
        ("GET", "/edit-link"): EDIT_LINK,
        ("PATCH", "/use-cases/{use_case_id}"): MODERATOR_OR_EDIT_LINK,
        ("GET", "/moderation/use-cases"): MODERATOR,
        ("GET", "/moderation/use-cases/{use_case_id}"): MODERATOR,
        ("POST", "/use-cases/{use_case_id}/publish"): MODERATOR,
        ("POST", "/use-cases/{use_case_id}/request-changes"): MODERATOR,
        ("POST", "/use-cases/{use_case_id}/reject"): MODERATOR,
        ("POST", "/use-cases/{use_case_id}/retract"): MODERATOR,
        ("POST", "/use-cases/{use_case_id}/archive"): MODERATOR,
        ("GET", "/exports/use-cases.csv"): PUBLIC,
        ("GET", "/exports/use-cases.xlsx"): PUBLIC,
        ("GET", "/exports/use-cases.json"): PUBLIC,
        ("GET", "/exports/use-cases-history.csv"): PUBLIC,
        ("GET", "/exports/use-cases-history.json"): PUBLIC,
        ("GET", "/catalogue/dcat.jsonld"): PUBLIC,
        ("GET", "/ai-act/rules"): PUBLIC,
        ("POST", "/ai-act/qualify"): PUBLIC,
        ("GET", "/use-cases/{use_case_id}/qualification"): MODERATOR_OR_EDIT_LINK,
        ("PUT", "/use-cases/{use_case_id}/qualification"): MODERATOR_OR_EDIT_LINK,
        # The FRIA and the registration pack are the authority's own: its link, or moderators.
        ("GET", "/use-cases/{use_case_id}/fria"): MODERATOR_OR_EDIT_LINK,
        ("PUT", "/use-cases/{use_case_id}/fria"): MODERATOR_OR_EDIT_LINK,
        ("POST", "/use-cases/{use_case_id}/fria/from/{other_id}"): MODERATOR_OR_EDIT_LINK,
        ("GET", "/use-cases/{use_case_id}/registration"): MODERATOR_OR_EDIT_LINK,
        # The explicit mention is meant to be published (CRPA, art. L311-3-1).
        ("GET", "/use-cases/{use_case_id}/mention-explicite"): PUBLIC,
        ("POST", "/imports/use-cases"): MODERATOR,
    },
    "survey": {
        ("GET", "/campaigns"): PUBLIC,
        ("GET", "/campaigns/{campaign_id}"): PUBLIC,
        ("POST", "/campaigns"): ANALYST,
        ("GET", "/questionnaires/schema"): PUBLIC,
        ("GET", "/questionnaires"): PUBLIC,
        ("GET", "/questionnaires/collectivites.csv"): PUBLIC,
        ("POST", "/questionnaires"): ANALYST,
        ("POST", "/questionnaires/xlsform"): ANALYST,
        ("GET", "/questionnaires/{questionnaire_id}"): PUBLIC,
        ("GET", "/questionnaires/{questionnaire_id}/xlsform"): PUBLIC,
        ("POST", "/questionnaires/{questionnaire_id}/publish"): ANALYST,
        ("GET", "/answering"): SURVEY_LINK,
        ("PATCH", "/answering/answers"): SURVEY_LINK,
        ("GET", "/answering/changes"): SURVEY_LINK,
        ("POST", "/answering/submit"): SURVEY_LINK,
        ("POST", "/campaigns/{campaign_id}/invitations"): ANALYST,
        ("POST", "/campaigns/{campaign_id}/invitations/population"): ANALYST,
        ("GET", "/campaigns/{campaign_id}/invitations"): ANALYST,
        ("POST", "/campaigns/{campaign_id}/reminders"): ANALYST,
        # The observatory: public, disclosure-controlled; the comparison through the link.
        ("GET", "/campaigns/{campaign_id}/participation"): PUBLIC,
        ("GET", "/campaigns/{campaign_id}/results"): PUBLIC,
        ("GET", "/campaigns/{campaign_id}/methodology"): PUBLIC,
        ("GET", "/answering/comparison"): SURVEY_LINK,
        ("GET", "/campaigns/{campaign_id}/export"): ANALYST,
        ("GET", "/invitations/{invitation_id}/history"): ANALYST,
    },
    "auditions": {
        ("GET", "/events"): PUBLIC,
        ("GET", "/events/{event_id}"): PUBLIC,
        ("GET", "/events/{event_id}/agenda"): PUBLIC,
        ("GET", "/events/{event_id}/agenda.ics"): PUBLIC,
        ("GET", "/events/{event_id}/releases"): PUBLIC,
        ("GET", "/events/{event_id}/releases/diff"): PUBLIC,
        ("GET", "/events/{event_id}/attachments"): PUBLIC,
        ("GET", "/events/{event_id}/attachments/{attachment_id}"): PUBLIC,
        ("GET", "/feeds/personal.ics"): ACTOR_LINK,
        ("POST", "/availability/open"): AVAILABILITY_LINK,
        ("POST", "/availability/answer"): AVAILABILITY_LINK,
        ("GET", "/manage/events"): ORGANISER,
        ("POST", "/events"): ORGANISER,
        ("PUT", "/events/{event_id}"): ORGANISER,
        ("POST", "/events/{event_id}/themes"): ORGANISER,
        ("GET", "/events/{event_id}/actors"): ORGANISER,
        ("POST", "/events/{event_id}/actors"): ORGANISER,
        ("POST", "/events/{event_id}/invitations"): ORGANISER,
        ("GET", "/events/{event_id}/invitations"): ORGANISER,
        ("POST", "/events/{event_id}/invitations/reminders"): ORGANISER,
        ("POST", "/events/{event_id}/invitations/{invitation_id}/reminder"): ORGANISER,
        ("GET", "/events/{event_id}/warnings"): ORGANISER,
        ("GET", "/events/{event_id}/draft"): ORGANISER,
        ("POST", "/events/{event_id}/hearings"): ORGANISER,
        ("GET", "/events/{event_id}/hearings/{hearing_id}"): ORGANISER,
        ("PUT", "/events/{event_id}/hearings/{hearing_id}"): ORGANISER,
        ("PUT", "/events/{event_id}/hearings/{hearing_id}/placement"): ORGANISER,
        ("POST", "/events/{event_id}/hearings/{hearing_id}/cancel"): ORGANISER,
        ("POST", "/events/{event_id}/releases"): ORGANISER,
        ("GET", "/events/{event_id}/outbox"): ORGANISER,
        ("POST", "/events/{event_id}/outbox/release"): ORGANISER,
        ("PUT", "/events/{event_id}/organizer"): ORGANISER,
        ("POST", "/events/{event_id}/replies"): ORGANISER,
        ("GET", "/events/{event_id}/participation"): ORGANISER,
        ("POST", "/events/{event_id}/rooms"): ORGANISER,
        ("POST", "/events/{event_id}/members"): ORGANISER,
        ("PUT", "/events/{event_id}/members/{member_id}"): ORGANISER,
        ("POST", "/events/{event_id}/members/{member_id}/feed"): ORGANISER,
        ("POST", "/events/{event_id}/contacts/{contact_id}/feed"): ORGANISER,
        ("GET", "/events/{event_id}/hearings/{hearing_id}/minutes"): ORGANISER,
        ("PUT", "/events/{event_id}/hearings/{hearing_id}/minutes"): ORGANISER,
        ("POST", "/events/{event_id}/hearings/{hearing_id}/attachments"): ORGANISER,
        ("GET", "/events/{event_id}/hearings/{hearing_id}/attachments"): ORGANISER,
        ("POST", "/events/{event_id}/solver-runs"): ORGANISER,
        ("GET", "/events/{event_id}/solver-runs"): ORGANISER,
        ("GET", "/events/{event_id}/solver-runs/{run_id}"): ORGANISER,
        ("POST", "/events/{event_id}/solver-runs/{run_id}/apply"): ORGANISER,
    },
}

UNKNOWN_LINK = "jeton-inconnu-" + "x" * 30
# A token that is valid, but for another service's scope.
UNRELATED_SCOPE = {
    "catalogue": "auditions:write",
    "survey": "catalogue:write",
    "auditions": "catalogue:write",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    reads_principal: bool


def _reads_principal(route: APIRoute) -> bool:
    """Whether the route looks at the caller at all (then a bad token is refused with 401)."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call is optional_principal:
            return True
        pending.extend(dependency.dependencies)
    return False


def operations(app: FastAPI) -> list[Operation]:
    found = []
    for context in iter_route_contexts(app.router.routes):
        route, path = context.route, context.path
        if not isinstance(route, APIRoute) or path is None or KERNEL.match(path):
            continue
        for method in sorted(context.methods or ()):
            if method != "HEAD":
                found.append(Operation(method, path, _reads_principal(route)))
    return found


@dataclass
class Callers:
    """Authorization headers of every kind of caller, by name."""

    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    roles: dict[str, set[str]] = field(default_factory=dict)
    scopes: dict[str, set[str]] = field(default_factory=dict)


def _api_token(databases: Databases, scopes: list[str], *, revoked: bool = False) -> str:
    engine = create_db_engine(databases.urls["accounts"], pool_size=1)
    try:
        with Session(engine) as session:
            record = accounts.create_api_token(session, name="intégrateur", scopes=scopes, days=30)
            if revoked:
                accounts.revoke_api_token(session, token_id=record.id)
            session.commit()
            return issue_api_token(record, settings=databases.auth_settings())
    finally:
        engine.dispose()


def callers(client: TestClient, databases: Databases, scopes: set[str], unrelated: str) -> Callers:
    result = Callers()
    result.headers["anonyme"] = {}
    result.roles["anonyme"] = set()
    for role in ROLES:
        email = f"{role}@matrice.example.org"
        add_staff(databases.urls["accounts"], email=email, roles=[role])
        result.headers[role] = bearer(client, email=email)
        result.roles[role] = set(ROLES) if role == "admin" else {role}
    for scope in sorted(scopes):
        name = f"intégrateur {scope}"
        result.headers[name] = {"Authorization": f"Bearer {_api_token(databases, [scope])}"}
        result.scopes[name] = {scope}
    name = "intégrateur sans la portée"
    result.headers[name] = {"Authorization": f"Bearer {_api_token(databases, [unrelated])}"}
    result.scopes[name] = {unrelated}
    return result


def bad_tokens(databases: Databases, scopes: set[str], unrelated: str) -> dict[str, dict[str, str]]:
    """An expired staff token and a revoked integrator token (with every scope)."""
    expired = encode_token(
        settings=databases.auth_settings(),
        subject="staff:1",
        token_type="staff",
        token_id="perime",
        expires_at=utcnow() - timedelta(minutes=5),
        claims={"roles": list(ROLES), "gen": 0},
    )
    revoked = _api_token(databases, sorted(scopes) or [unrelated], revoked=True)
    return {
        "jeton expiré": {"Authorization": f"Bearer {expired}"},
        "jeton révoqué": {"Authorization": f"Bearer {revoked}"},
    }


def send(client: TestClient, operation: Operation, headers: dict[str, str]) -> int:
    path = re.sub(r"\{[^}]+\}", "1", operation.path)
    body: dict[str, Any] | None = None
    params: dict[str, str] = {}
    if operation.method in ("POST", "PUT", "PATCH"):
        # No link is read from a body: the availability link travels only in
        # `Authorization: PrivateLink`. This unknown token in the body proves it is ignored there
        # (401, no link presented); for the other writes it is just some body.
        body = {"token": UNKNOWN_LINK}
    if operation.path.endswith("/personal.ics"):
        params["token"] = UNKNOWN_LINK
    response = client.request(operation.method, path, json=body, params=params, headers=headers)
    return response.status_code


def expected(rule: Rule, operation: Operation, caller: str, found: Callers) -> set[int] | None:
    """The statuses allowed for `caller`; None means "admitted" (anything but 401 and 403)."""
    if rule.link == "survey":
        # The link is the credential, presented as `PrivateLink`: without one it is 401, and a
        # staff or integrator `Bearer` token is never taken for a link (401 too). An unknown
        # link (404) is checked in tests/survey/test_answering.py.
        return {401}
    if rule.link == "actor":
        return {404}
    if rule.link == "availability":
        # Only `Authorization: PrivateLink` opens it: no caller here presents one (a staff or
        # integrator bearer is not a link), and a link in the body is not looked at.
        return {401}
    if rule.link == "fiche":
        # The catalogue answers every refusal on a fiche's private paths with 404, so that
        # no caller learns whether a fiche exists; moderators may also edit.
        if rule.role in found.roles.get(caller, set()) or (
            rule.scope is not None and rule.scope in found.scopes.get(caller, set())
        ):
            return None
        return {404}
    if rule.role is None:
        return None
    if caller == "anonyme":
        return {401}
    if rule.role in found.roles.get(caller, set()):
        return None
    if rule.scope is not None and rule.scope in found.scopes.get(caller, set()):
        return None
    return {403}


def _scopes_of(service: str) -> set[str]:
    return {rule.scope for rule in RULES[service].values() if rule.scope}


@pytest.fixture(params=sorted(RULES))
def service(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_operation_has_a_rule(service: str, client_for: ClientFactory) -> None:
    client = client_for(service)
    declared = {(op.method, op.path) for op in operations(client.app)}  # type: ignore[arg-type]
    assert declared - set(RULES[service]) == set(), "opérations sans règle d'accès"
    assert set(RULES[service]) - declared == set(), "règles sans opération"


def test_each_caller_gets_the_expected_status(
    service: str, client_for: ClientFactory, databases: Databases
) -> None:
    client = client_for(service)
    scopes = _scopes_of(service)
    found = callers(client, databases, scopes, UNRELATED_SCOPE[service])
    refused = bad_tokens(databases, scopes, UNRELATED_SCOPE[service])
    wrong: list[str] = []
    for operation in operations(client.app):  # type: ignore[arg-type]
        rule = RULES[service][(operation.method, operation.path)]
        for caller, headers in found.headers.items():
            status = send(client, operation, headers)
            allowed = expected(rule, operation, caller, found)
            if (status in (401, 403)) if allowed is None else (status not in allowed):
                wrong.append(f"{operation.method} {operation.path} [{caller}] → {status}")
        for caller, headers in refused.items():
            status = send(client, operation, headers)
            if rule.link is not None and rule.role is None:
                continue  # a bearer there is read as a link, covered above
            if rule.role is None and not operation.reads_principal:
                continue  # the route never looks at the caller
            if status != 401:
                wrong.append(f"{operation.method} {operation.path} [{caller}] → {status}")
    assert wrong == [], "\n".join(wrong)


def test_a_survey_link_opens_only_its_own_local_authority(
    databases: Databases, client_for: ClientFactory, mailbox: Mailbox
) -> None:
    survey = light_survey(databases, client_for)
    campaign = create_campaign(survey)
    invite(
        survey,
        campaign,
        f"code;courriel\n{RENNES};dgs@rennes.example\n{PLELAN};mairie@plelan.example\n",
    )
    rennes = token_from_mail(mailbox, "dgs@rennes.example")
    plelan = token_from_mail(mailbox, "mairie@plelan.example")

    saved = survey.client.patch(
        "/answering/answers", headers=private_link(rennes), json={"answers": {"usage_ia": "oui"}}
    )
    assert saved.status_code == 200, saved.text

    # Plélan's link shows Plélan, and none of what Rennes answered.
    seen = survey.client.get("/answering", headers=private_link(plelan)).json()
    assert seen["local_authority"]["code"] == PLELAN
    assert seen["answers"] == {}
    assert (
        survey.client.get("/answering", headers=private_link(rennes)).json()["local_authority"][
            "code"
        ]
        == RENNES
    )
    # A staff token is not a link, even an analyst's: as Bearer it presents no link (401), as
    # a link it opens nothing (404).
    assert survey.client.get("/answering", headers=survey.analyst).status_code == 401
    staff_token = survey.analyst["Authorization"].removeprefix("Bearer ")
    assert survey.client.get("/answering", headers=private_link(staff_token)).status_code == 404


def test_an_edit_link_opens_only_its_own_fiche(
    client_for: ClientFactory, databases: Databases, mailbox: Mailbox
) -> None:
    client = client_for("catalogue")
    mine = client.post(
        "/use-cases",
        json={**COMPLETE, "submitter_email": "agent@rennes.example"},
        headers=proof_of_work(client),
    ).json()
    theirs = client.post(
        "/use-cases",
        json={
            **COMPLETE,
            "title": "Tri des courriers entrants",
            "submitter_email": "dsi@lyon.example",
        },
        headers=proof_of_work(client),
    ).json()
    token = catalogue_token_from_mail(mailbox, "agent@rennes.example")

    assert client.get("/edit-link", headers=private_link(token)).json()["id"] == mine["id"]
    stolen = client.patch(
        f"/use-cases/{theirs['id']}",
        json={"title": "Détourné"},
        headers={**private_link(token), "If-Match": f'"{theirs["version"]}"'},
    )
    assert stolen.status_code == 404
    assert stolen.headers["content-type"].startswith("application/problem+json")
    # Nothing changed on the other fiche.
    add_staff(databases.urls["accounts"], email="moderatrice@example.org", roles=["moderator"])
    moderator = bearer(client, email="moderatrice@example.org")
    unchanged = client.get(f"/moderation/use-cases/{theirs['id']}", headers=moderator).json()
    assert unchanged["title"] == "Tri des courriers entrants"
    assert unchanged["version"] == theirs["version"]
    # The link travels only as `Authorization: PrivateLink`: the same token under another
    # scheme (the former EditToken, or Bearer) opens nothing, nor does a staff token.
    for scheme in ("EditToken", "Bearer"):
        other = client.get("/edit-link", headers={"Authorization": f"{scheme} {token}"})
        assert other.status_code == 404, scheme
    assert client.get("/edit-link", headers=moderator).status_code == 404
