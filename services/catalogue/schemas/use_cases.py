"""What the API answers about a fiche: a card, the public view, the private (contributor,
moderator) one, a page of results and the public history; and the builders of these views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from services.catalogue import fiche, vocabularies
from services.catalogue.models import UseCase, UseCaseStatus, UseCaseVersion
from services.catalogue.schemas.ai_act import AiActSource, ai_act_source
from services.catalogue.workflow import differences


class Segment(BaseModel):
    text: str
    match: bool


class MatchedLabel(BaseModel):
    """A labelled field that holds words of the query ("Domaine" : "Déchets et propreté")."""

    field: str
    label: str


class Partner(BaseModel):
    code: str
    name: str


class UseCaseSummary(BaseModel):
    """A fiche in a list: enough for a result card."""

    id: int
    slug: str
    status: str
    title: str
    summary: str
    theme: str
    domain: str | None
    ai_technology: str | None
    ai_act_class: str | None
    project_status: str | None
    individual_decisions: bool | None
    local_authority_code: str | None
    local_authority_name: str | None
    local_authority_kind: str | None
    siren: str | None
    insee_code: str | None
    region: str | None
    departement: str | None
    published_at: datetime | None
    updated_at: datetime
    is_demo: bool
    snippet: list[Segment] | None = None
    # With a query: the labelled fields that matched it (a domain, the porteur's région…).
    matched: list[MatchedLabel] | None = None


class UseCasePublic(UseCaseSummary):
    """A published fiche, whole."""

    version: int
    declared_by: str
    completeness: int
    content: dict[str, Any]
    partners: list[Partner]
    # Whether the public AI Act class was qualified (under which rules) or self-declared.
    ai_act: AiActSource


class UseCasePrivate(UseCasePublic):
    """What the contributor (edit link) and moderators see: the draft and where it stands."""

    draft: dict[str, Any]
    # The same for the draft: what the next publication will show.
    draft_ai_act: AiActSource
    pending_review: bool
    moderation_message: str | None
    changes: list[dict[str, Any]]
    publication_errors: list[dict[str, Any]]


class FacetValue(BaseModel):
    code: str
    label: str
    count: int


class UseCasePage(BaseModel):
    items: list[UseCaseSummary]
    total: int
    limit: int
    offset: int
    facets: dict[str, list[FacetValue]]
    # When few fiches hold every word: those holding some of them, best first (not in `total`).
    partial: list[UseCaseSummary] = []
    # The query as read when a word was taken for a typo of another ("piscnes" → "piscines").
    did_you_mean: str | None = None


def _summary_fields(use_case: UseCase) -> dict[str, Any]:
    assert use_case.id is not None
    return {
        "id": use_case.id,
        "slug": use_case.slug,
        "status": use_case.status,
        "title": use_case.title,
        "summary": use_case.summary,
        "theme": vocabularies.label("domain", use_case.domain),
        "domain": use_case.domain,
        "ai_technology": use_case.ai_technology,
        "ai_act_class": use_case.ai_act_class,
        "project_status": use_case.project_status,
        "individual_decisions": use_case.individual_decisions,
        "local_authority_code": use_case.local_authority_code,
        "local_authority_name": use_case.local_authority_name,
        "local_authority_kind": use_case.local_authority_kind,
        "siren": use_case.siren,
        "insee_code": use_case.insee_code,
        "region": use_case.region,
        "departement": use_case.departement,
        "published_at": use_case.published_at,
        "updated_at": use_case.updated_at,
        "is_demo": use_case.is_demo,
    }


def summary_view(
    use_case: UseCase,
    snippet: list[dict[str, Any]] | None = None,
    matched: list[dict[str, str]] | None = None,
) -> UseCaseSummary:
    return UseCaseSummary.model_validate(
        {**_summary_fields(use_case), "snippet": snippet, "matched": matched}
    )


class SimilarUseCase(BaseModel):
    """A fiche that resembles another, and why."""

    use_case: UseCaseSummary
    shared_codes: list[MatchedLabel]
    shared_words: list[str]
    same_authority: bool


def _partners(content: dict[str, Any]) -> list[Partner]:
    partners = []
    for code in content.get("partner_codes") or []:
        territory = fiche.find_local_authority(code)
        partners.append(Partner(code=code, name=territory.name if territory else code))
    return partners


def public_content(use_case: UseCase) -> dict[str, Any]:
    """The content the public sees (before any publication: the draft, for previews)."""
    return dict(use_case.published if use_case.published is not None else use_case.draft)


def _public_fields(use_case: UseCase) -> dict[str, Any]:
    content = public_content(use_case)
    return {
        **_summary_fields(use_case),
        "version": use_case.version,
        "declared_by": use_case.declared_by,
        "completeness": fiche.completeness(content),
        "content": content,
        "partners": _partners(content),
        "ai_act": ai_act_source(content),
    }


def public_view(use_case: UseCase) -> UseCasePublic:
    return UseCasePublic.model_validate(_public_fields(use_case))


def private_view(use_case: UseCase) -> UseCasePrivate:
    baseline = use_case.published if use_case.status == UseCaseStatus.PUBLISHED else None
    return UseCasePrivate.model_validate(
        {
            **_public_fields(use_case),
            "draft": use_case.draft,
            "draft_ai_act": ai_act_source(use_case.draft),
            "pending_review": use_case.pending_review,
            "moderation_message": use_case.moderation_message,
            "changes": differences(baseline, use_case.draft),
            "publication_errors": fiche.publication_errors(use_case.draft),
        }
    )


class HistoryEntry(BaseModel):
    version: int
    event: str
    status: str
    at: datetime
    note: str | None
    changes: list[dict[str, Any]]


def public_history(versions: list[UseCaseVersion]) -> list[HistoryEntry]:
    """The public versions of a fiche, each with its differences from the one before."""
    entries: list[HistoryEntry] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        entries.append(
            HistoryEntry(
                version=version.number,
                event=version.event,
                status=version.status,
                at=version.created_at,
                note=version.note if version.event in ("retracted", "archived") else None,
                changes=differences(previous, version.content),
            )
        )
        previous = version.content
    return entries
