"""What the survey's browser tests set up through the API: a staff token, an XLSForm imported
and published, a campaign on a questionnaire and the personal link its invitation e-mails."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx

from tests.mailbox import text_of

from .support import Stack

LINK = re.compile(r"https?://\S+/repondre\.html#[A-Za-z0-9_-]+")


def staff_headers(api: httpx.Client, stack: Stack) -> dict[str, str]:
    token = api.post(
        f"{stack.survey_url}/auth/token",
        data={"username": stack.admin_email, "password": stack.admin_password},
    )
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def published_xlsform(api: httpx.Client, stack: Stack, name: str, data: bytes) -> int:
    """The id of the questionnaire the workbook becomes, imported and published."""
    headers = staff_headers(api, stack)
    imported = api.post(
        f"{stack.survey_url}/questionnaires/xlsform", headers=headers, files={"file": (name, data)}
    )
    assert imported.status_code == 201, imported.text
    questionnaire: int = imported.json()["id"]
    api.post(
        f"{stack.survey_url}/questionnaires/{questionnaire}/publish", headers=headers
    ).raise_for_status()
    return questionnaire


def response_link(
    api: httpx.Client, stack: Stack, questionnaire: int, *, title: str, code: str, email: str
) -> str:
    """The personal link mailed to `email` when `code` is invited to a new open campaign."""
    headers = staff_headers(api, stack)
    campaign = api.post(
        f"{stack.survey_url}/campaigns",
        headers=headers,
        json={
            "title": title,
            "opens_on": (date.today() - timedelta(days=1)).isoformat(),
            "closes_on": (date.today() + timedelta(days=30)).isoformat(),
            "questionnaire_id": questionnaire,
        },
    )
    assert campaign.status_code == 201, campaign.text
    invited = api.post(
        f"{stack.survey_url}/campaigns/{campaign.json()['id']}/invitations",
        headers=headers,
        json={"csv": f"code;courriel\n{code};{email}\n"},
    )
    assert invited.status_code == 200, invited.text
    match = LINK.search(text_of(stack.wait_for_mail(email)))
    assert match is not None
    return match.group(0)
