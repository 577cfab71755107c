"""Gathers what axe-core found on each page during a run of the browser tests into
frontend/src/accessibility/audit.json, from which the site's accessibility statement
(accessibilite.html) is built. `make accessibility` runs the tests, then this.

    python -m tests.e2e.accessibility_audit var/axe
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ROOT / "frontend" / "src" / "accessibility" / "audit.json"


def gather(folder: Path) -> dict[str, Any]:
    pages: dict[str, dict[str, Any]] = {}
    engine = None
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        engine = record.get("axe") or engine
        page = pages.setdefault(record["page"], {"checks": 0, "rules_passed": 0, "violations": {}})
        page["checks"] += 1
        page["rules_passed"] = max(page["rules_passed"], record["rules_passed"])
        for violation in record["violations"]:
            page["violations"][violation["id"]] = violation["impact"]
    return {
        "date": date.today().isoformat(),
        "tool": f"axe-core {engine}" if engine else "axe-core",
        "pages": {name: pages[name] for name in sorted(pages)},
    }


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "var/axe")
    if not any(folder.glob("*.json")):
        print(f"aucun relevé axe dans {folder} : lancez d'abord les tests du navigateur")
        return 1
    AUDIT.write_text(json.dumps(gather(folder), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{AUDIT.relative_to(ROOT)} écrit")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
