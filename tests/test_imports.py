"""Each way a process starts imports cleanly on its own: an import cycle only shows when its
module is the first one imported, which the test suite (importing everything in its own order)
would not notice, but `make up` and a container would."""

from __future__ import annotations

import subprocess
import sys

import pytest

# What the Procfile, the containers and `iat-admin` import first.
ENTRY_POINTS = [
    "services.catalogue.app",
    "services.survey.app",
    "services.auditions.app",
    "services.cli",
    # Imported first by the survey's save path and by the observatory's benchmark.
    "services.survey.answering",
    "services.survey.observatory.publish",
]


@pytest.mark.parametrize("module", ENTRY_POINTS)
def test_the_module_imports_first(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
