"""Questionnaires: their JSON Schema, their versions, drafts and publication."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, UploadFile
from sqlmodel import col, select

from services.common.archives import XLSX_LIMITS
from services.common.auth.dependencies import OptionalPrincipal
from services.common.body_limits import upload_limit
from services.common.database import SessionDep
from services.common.downloads import attachment
from services.common.pagination import Page, PageQuery, paginate
from services.survey.definition import Definition, json_schema
from services.survey.dependencies import Analyst, VisibleQuestionnaireDep, is_analyst
from services.survey.models import Questionnaire, QuestionnaireStatus
from services.survey.questionnaires import store, xlsform, xlsform_authorities, xlsform_export
from services.survey.schemas import QuestionnaireOut, QuestionnaireSummary, full, summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
router = APIRouter(prefix="/questionnaires", tags=["questionnaires"])


@router.get("/schema")
def definition_schema() -> dict[str, Any]:
    """Le schéma JSON (draft 2020-12) d'une définition de questionnaire."""
    return json_schema()


@router.get("")
def list_questionnaires(
    session: SessionDep, query: Annotated[PageQuery, Query()], principal: OptionalPrincipal
) -> Page[QuestionnaireSummary]:
    """Versions publiées des questionnaires (les analystes voient aussi les brouillons)."""
    statement = select(Questionnaire)
    if not is_analyst(principal):
        statement = statement.where(col(Questionnaire.status) == QuestionnaireStatus.PUBLISHED)
    statement = statement.order_by(col(Questionnaire.key), col(Questionnaire.id).desc())
    return paginate(session, statement, query=query, view=summary)


@router.post(
    "/xlsform",
    status_code=201,
    # The body may hold the largest workbook the archive checks admit, and its form.
    openapi_extra=upload_limit(XLSX_LIMITS.max_compressed_bytes),
    responses={
        409: {"description": "Version déjà existante"},
        422: {"description": "XLSForm invalide"},
    },
)
def import_xlsform(file: UploadFile, session: SessionDep, _analyst: Analyst) -> QuestionnaireOut:
    """Importe un XLSForm (KoboToolbox, ODK) comme brouillon ; chaque ligne non prise en charge est nommée."""
    definition = xlsform.read_xlsform(file.file.read())
    return full(store.create_draft(session, definition))


@router.get(
    f"/{xlsform_authorities.CSV_FILE}",
    responses={200: {"content": {"text/csv": {}}}},
)
def authorities_csv() -> Response:
    """La liste des collectivités que lit un XLSForm exporté (`pulldata`), à joindre au formulaire."""
    return Response(
        xlsform_authorities.authorities_csv(),
        media_type="text/csv; charset=utf-8",
        headers=attachment(xlsform_authorities.CSV_FILE),
    )


@router.get(
    "/{questionnaire_id}/xlsform",
    responses={200: {"content": {XLSX: {}}}, 404: {"description": "Questionnaire inconnu"}},
)
def export_xlsform(row: VisibleQuestionnaireDep) -> Response:
    """La version au format XLSForm (feuilles survey, choices, settings)."""
    content = xlsform_export.write_xlsform(Definition.model_validate(row.definition))
    name = f"{row.key}-{row.version}.xlsx"
    return Response(content, media_type=XLSX, headers=attachment(name))


@router.get("/{questionnaire_id}", responses={404: {"description": "Questionnaire inconnu"}})
def read_questionnaire(row: VisibleQuestionnaireDep) -> QuestionnaireOut:
    """Une version de questionnaire et sa définition complète."""
    return full(row)


@router.post("", status_code=201, responses={409: {"description": "Version déjà existante"}})
def create_questionnaire(
    body: Definition, session: SessionDep, _analyst: Analyst
) -> QuestionnaireOut:
    """Enregistre une définition comme brouillon (rôle analyste)."""
    return full(store.create_draft(session, body))


@router.post("/{questionnaire_id}/publish", responses={409: {"description": "Déjà publiée"}})
def publish_questionnaire(
    # The role first: a caller without it learns nothing, not even whether the id exists.
    _analyst: Analyst,
    row: VisibleQuestionnaireDep,
    session: SessionDep,
) -> QuestionnaireOut:
    """Publie une version : elle ne pourra plus changer (rôle analyste)."""
    return full(store.publish(session, row))
