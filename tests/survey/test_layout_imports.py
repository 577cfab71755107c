"""The survey's dependency graph is a tree: the observatory depends on answering, never the
reverse, so the respondent's autosave path loads neither NumPy, SciPy nor the observatory. The
app itself loads the observatory but not its estimators: NumPy and SciPy come once it has
started, in the background, or at the first computation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "services.survey.observatory")
# What only the observatory's computations need (openpyxl imports NumPy when it is installed).
ESTIMATORS = ("numpy", "scipy", "threadpoolctl", "openpyxl")
COMPUTING = {
    f"services.survey.observatory.{name}"
    for name in ("results", "estimates", "joint", "disclosure", "blas")
}


def _loaded_by(module: str) -> set[str]:
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def _heavy(names: set[str]) -> set[str]:
    return {
        name
        for name in names
        if any(name.partition(".")[0] == h or name.startswith(h) for h in HEAVY)
    }


def test_the_answering_routes_load_neither_numpy_scipy_nor_the_observatory() -> None:
    assert _heavy(_loaded_by("services.survey.routes.answering")) == set()


def test_the_answering_domain_loads_neither_numpy_scipy_nor_the_observatory() -> None:
    assert _heavy(_loaded_by("services.survey.answering")) == set()


def _estimators(names: set[str]) -> set[str]:
    return {name for name in names if name.partition(".")[0] in ESTIMATORS} | (names & COMPUTING)


def test_the_app_still_loads_the_observatory_that_follows_answering() -> None:
    assert {
        "services.survey.observatory.tallies",
        "services.survey.routes.observatory",
    } <= _loaded_by("services.survey.app")


def test_the_app_loads_neither_numpy_nor_scipy() -> None:
    assert _estimators(_loaded_by("services.survey.app")) == set()


def test_the_observatory_routes_load_the_estimators_only_to_compute() -> None:
    assert _estimators(_loaded_by("services.survey.routes.observatory")) == set()
    assert COMPUTING | {"numpy", "scipy"} <= _loaded_by(
        "services.survey.observatory.publish; services.survey.observatory.publish.warm_up()"
    )


def test_the_started_app_loads_the_estimators_in_the_background() -> None:
    code = """
import json, sys
from fastapi.testclient import TestClient
from services.survey.app import create_app
from services.survey.settings import SurveySettings

settings = SurveySettings.model_validate(
    {
        "database_url": "sqlite://",
        "auth": {"database_url": "sqlite://", "secret_key": "s" * 32},
        "mail": {"worker": False},
    }
)
app = create_app(settings)
before = "numpy" in sys.modules
with TestClient(app):
    pass
print(json.dumps([before, sorted(sys.modules)]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout)
    assert before is False
    assert COMPUTING | {"numpy", "scipy"} <= set(after)


def test_the_estimators_run_their_linear_algebra_on_one_thread() -> None:
    code = (
        "import json; import services.survey.observatory.results; "
        "from threadpoolctl import threadpool_info; "
        "print(json.dumps([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    threads = json.loads(out.stdout)
    # NumPy's BLAS and SciPy's, both limited (see services.survey.observatory.blas).
    assert len(threads) >= 2
    assert set(threads) == {1}
