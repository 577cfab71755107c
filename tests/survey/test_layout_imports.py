"""The survey's dependency graph is a tree: the observatory depends on answering, never the
reverse, so the respondent's autosave path loads neither NumPy, SciPy nor the observatory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "services.survey.observatory")


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


def test_the_app_still_loads_the_observatory_that_follows_answering() -> None:
    assert {"numpy", "services.survey.observatory.tallies"} <= _loaded_by("services.survey.app")
