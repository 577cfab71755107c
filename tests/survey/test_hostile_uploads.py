"""Hostile XLSForms (issue 17, class 3) are refused before any parser opens them: a 422 of type
archive-refused naming the problem, quickly, and the questionnaires saved before stay whole
and exportable. The files are real archives, built byte by byte (tests/common/hostile_xlsx.py)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from functools import cache

import pytest
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from openpyxl import load_workbook  # type: ignore[import-untyped]

from services.common.archives import ArchiveLimits, ArchiveRefused, check_xlsx
from services.survey.questionnaires.xlsform import read_xlsform
from tests.common import hostile_xlsx
from tests.conftest import ClientFactory, Databases
from tests.helpers import assert_problem
from tests.survey.support import Survey, light_survey

ARCHIVE_REFUSED = "https://intelligences-territoires.fr/problems/archive-refused"


@cache
def hostile(name: str) -> bytes:
    """Built once per process: the 600 MB bombs take seconds to compress."""
    build: Callable[[], bytes] = hostile_xlsx.HOSTILE[name][0]
    return build()


def upload(survey: Survey, data: bytes) -> object:
    return survey.client.post(
        "/questionnaires/xlsform",
        headers=survey.analyst,
        files={"file": ("formulaire.xlsx", data, "application/octet-stream")},
    )


@pytest.mark.parametrize("name", sorted(hostile_xlsx.HOSTILE))
def test_a_hostile_workbook_gets_a_422_naming_it_and_loses_nothing(
    databases: Databases, client_for: ClientFactory, name: str
) -> None:
    survey = light_survey(databases, client_for)
    before = upload(survey, hostile_xlsx.normal_xlsform("avant"))
    assert before.status_code == 201, before.text  # type: ignore[attr-defined]
    saved = before.json()  # type: ignore[attr-defined]
    data = hostile(name)
    assert len(data) < 1024 * 1024  # within the body limit

    started = time.perf_counter()
    response = upload(survey, data)
    elapsed = time.perf_counter() - started

    problem = assert_problem(response, 422)  # type: ignore[arg-type]
    assert problem["type"] == ARCHIVE_REFUSED
    errors: list[dict[str, object]] = problem["errors"]  # type: ignore[assignment]
    assert errors[0]["type"] == hostile_xlsx.HOSTILE[name][1]
    assert errors[0]["loc"] == ["body", "file"]
    # Generous for a loaded machine; bench/bench_uploads.py measures it.
    assert elapsed < 5
    listed = survey.client.get("/questionnaires", headers=survey.analyst).json()
    assert saved["id"] in [item["id"] for item in listed["items"]]
    exported = survey.client.get(f"/questionnaires/{saved['id']}/xlsform", headers=survey.analyst)
    assert exported.status_code == 200
    assert read_xlsform(exported.content).version == "avant"


def test_a_normal_xlsform_and_the_largest_admitted_pass_the_checks() -> None:
    check_xlsx(hostile_xlsx.normal_xlsform())
    check_xlsx(hostile_xlsx.largest_accepted())


@pytest.mark.parametrize(
    ("limits", "problem"),
    [
        (ArchiveLimits(max_compressed_bytes=10_000), "too_large"),
        (ArchiveLimits(max_entries=5), "too_many_entries"),
        (ArchiveLimits(max_entry_bytes=20_000), "entry_too_large"),
        (ArchiveLimits(max_uncompressed_bytes=50_000), "uncompressed_too_large"),
        (ArchiveLimits(max_ratio=2, ratio_grace_bytes=1000), "compression_ratio"),
        (ArchiveLimits(max_rows=50), "too_many_rows"),
        (ArchiveLimits(max_columns=5), "too_many_columns"),
        (ArchiveLimits(max_cells=100), "too_many_cells"),
        (ArchiveLimits(max_text_chars=30), "text_too_long"),
    ],
)
def test_each_limit_refuses_the_normal_xlsform_once_lowered_below_it(
    limits: ArchiveLimits, problem: str
) -> None:
    with pytest.raises(ArchiveRefused) as refused:
        check_xlsx(hostile_xlsx.normal_xlsform(), limits)
    assert refused.value.extra["errors"][0]["type"] == problem


def test_openpyxl_parses_with_defusedxml() -> None:
    """The second line of defence, behind check_xlsx: openpyxl's worksheet parser is
    defusedxml's, which refuses entities instead of expanding them."""
    import openpyxl.xml  # type: ignore[import-untyped]
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")
    # Without a <dimension>, openpyxl reads the whole sheet to size it, while opening it.
    with pytest.raises(ValueError, match="invalid XML") as refused:
        load_workbook(io.BytesIO(hostile("external entity")), read_only=True)
    assert isinstance(refused.value.__cause__, DefusedXmlException)
