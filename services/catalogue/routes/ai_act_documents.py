"""What the law asks of the authority, prepared from the fiche: the FRIA (Art. 27) with its DPIA
screening and the EU database registration pack (Art. 49, Annex VIII C), for the contributor
(private link) or a moderator; the CRPA's explicit mention, public, as it is meant to be."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from services.catalogue.ai_act import dpia, fria, mention, registration
from services.catalogue.ai_act.references import load
from services.catalogue.ai_act.standing import Standing, standing
from services.catalogue.dependencies import EditableUseCase, PublicUseCase
from services.catalogue.models import PUBLIC_STATUSES, UseCase
from services.catalogue.schemas.ai_act_documents import (
    FriaForm,
    FriaView,
    MentionView,
    RegistrationPack,
)
from services.common.database import SessionDep
from services.common.errors import NotFound
from services.common.pagination import RowId
from services.common.sql import utcnow
from services.common.versions import RequiredVersion, set_etag

router = APIRouter(tags=["règlement IA"])

_LINK_OR_MODERATOR: dict[int | str, dict[str, Any]] = {
    404: {"description": "Fiche inconnue, ou lien d'une autre fiche"}
}


def _fiche(use_case: UseCase) -> dict[str, Any]:
    return {
        "id": use_case.id,
        "slug": use_case.slug,
        "title": use_case.title,
        "local_authority_name": use_case.local_authority_name,
        "status": use_case.status,
    }


def _screening(use_case: UseCase, found: Standing) -> dpia.Screening:
    return dpia.screen(fria.form_of(use_case)["dpia"], use_case.draft, found)


def _fria_view(use_case: UseCase, response: Response) -> FriaView:
    found = standing(use_case, use_case.draft)
    screening = _screening(use_case, found)
    form = fria.form_of(use_case)
    stored = use_case.fria or {}
    set_etag(response, fria.version(use_case))
    screen_reference = {key: load("dpia")[key] for key in ("criteria", "cnil_list", "threshold")}
    return FriaView.model_validate(
        {
            "use_case": _fiche(use_case),
            "due": vars(fria.due(found)),
            "version": fria.version(use_case),
            "updated_at": stored.get("updated_at"),
            "origin": stored.get("origin"),
            "form": form,
            "missing": fria.missing(form, screening),
            "dpia_screening": vars(screening),
            "reference": {"fria": load("fria"), "dpia": screen_reference},
        }
    )


@router.get("/use-cases/{use_case_id}/fria", responses=_LINK_OR_MODERATOR)
def read_fria(use_case: EditableUseCase, response: Response) -> FriaView:
    """L'analyse d'impact sur les droits fondamentaux (art. 27) de la fiche : si elle est requise et pourquoi, le formulaire enregistré, ce qui manque, le repérage de l'AIPD (lien de modification ou modération)."""
    return _fria_view(use_case, response)


@router.put(
    "/use-cases/{use_case_id}/fria",
    responses={
        **_LINK_OR_MODERATOR,
        412: {"description": "Version périmée"},
        428: {"description": "If-Match manquant"},
    },
)
def save_fria(
    session: SessionDep,
    use_case: EditableUseCase,
    expected: RequiredVersion,
    form: FriaForm,
    response: Response,
) -> FriaView:
    """Enregistre le formulaire de l'analyse d'impact (brouillon, ou terminée si rien ne manque : sinon 422 et rien n'est enregistré)."""
    expected.check(fria.version(use_case), what="L'analyse d'impact")
    found = standing(use_case, use_case.draft)
    screening = dpia.screen(form.dpia.model_dump(), use_case.draft, found)
    fria.save(use_case, form, screening, now=utcnow())
    session.add(use_case)
    session.flush()
    return _fria_view(use_case, response)


@router.post(
    "/use-cases/{use_case_id}/fria/from/{other_id}",
    responses={
        404: {
            "description": "Fiche inconnue, lien d'une autre fiche, ou fiche reprise non publiée"
        },
        409: {"description": "La fiche reprise n'a pas d'analyse terminée et partagée"},
        412: {"description": "Version périmée"},
        428: {"description": "If-Match manquant"},
    },
)
def copy_fria(
    session: SessionDep,
    use_case: EditableUseCase,
    other_id: RowId,
    expected: RequiredVersion,
    response: Response,
) -> FriaView:
    """Part de l'analyse d'impact d'une autre fiche publiée (art. 27(2), cas similaires) : copiée avec son origine, marquée « à revoir », en brouillon."""
    expected.check(fria.version(use_case), what="L'analyse d'impact")
    other = session.get(UseCase, other_id)
    if other is None or other.status not in PUBLIC_STATUSES:
        raise NotFound(f"Aucun cas d'usage publié n° {other_id}.")
    fria.copy_from(use_case, other, now=utcnow())
    session.add(use_case)
    session.flush()
    return _fria_view(use_case, response)


@router.get("/use-cases/{use_case_id}/registration", responses=_LINK_OR_MODERATOR)
def read_registration(use_case: EditableUseCase) -> RegistrationPack:
    """Le dossier d'enregistrement dans la base de données de l'UE (art. 49(3), art. 71, annexe VIII section C) : chaque champ rempli depuis la fiche, la qualification et l'analyse d'impact, ou nommé comme manquant."""
    found = standing(use_case, use_case.draft)
    built = registration.pack(
        use_case.draft, use_case.local_authority_name, fria.form_of(use_case), found
    )
    return RegistrationPack.model_validate(
        {"use_case": _fiche(use_case), "due": vars(registration.due(found)), **built}
    )


@router.get(
    "/use-cases/{use_case_id}/mention-explicite",
    responses={
        404: {"description": "Cas d'usage inconnu ou non publié"},
        409: {"description": "La fiche ne déclare pas de décision individuelle"},
    },
)
def read_explicit_mention(use_case: PublicUseCase) -> MentionView:
    """La mention explicite (CRPA, art. L. 311-3-1 et R. 311-3-1-1) à reprendre dans chaque décision, et les informations à communiquer sur demande (R. 311-3-1-2), tirées de la fiche publiée, avec ce qui manque."""
    content = use_case.published or {}
    mention.applies(content, use_case.title)
    built = mention.mention(content, use_case.title, use_case.local_authority_name)
    return MentionView.model_validate({"use_case": _fiche(use_case), **built})
