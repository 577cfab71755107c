"""Generate the territories reference from the npm package `@etalab/decoupage-administratif`.

    python -m services.common.territories.build <package-dir> [--output-dir DIR]

`<package-dir>` is the installed package (the folder holding its `package.json` and `data/`),
normally `tools/territories/node_modules/@etalab/decoupage-administratif` after `npm ci` in
`tools/territories`. The output is `territories.json.gz` plus `SOURCE.md`; the same package
always gives the same bytes, so a regeneration only shows in a diff when the data changed.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
DATA_DIR = Path(__file__).parent / "data"
DATA_FILE_NAME = "territories.json.gz"
PACKAGE_FOLDER = "tools/territories/node_modules/@etalab/decoupage-administratif"
REGENERATE = (
    "cd tools/territories && npm ci && cd ../.. && "
    f".venv/bin/python -m services.common.territories.build {PACKAGE_FOLDER}"
)

# Column order of each table in the generated file; the loader reads rows by these names.
COLUMNS: dict[str, list[str]] = {
    "regions": ["code", "name", "population"],
    "departements": ["code", "name", "region", "population"],
    # `type` is the source's: CC, CA, CU, METRO, MET69 (Métropole de Lyon) for EPCI; EPT.
    "epci": ["siren", "name", "type", "departement", "region", "population"],
    "ept": ["siren", "name", "type", "departement", "region", "population"],
    "communes": [
        "siren",
        "insee_code",
        "name",
        "postal_codes",
        "departement",
        "region",
        "population",
        "epci",
        "ept",
    ],
}

Record = Mapping[str, Any]


def _read(package_dir: Path, name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((package_dir / "data" / f"{name}.json").read_bytes())
    return data


def _total(populations: Iterable[int | None]) -> int | None:
    """Sum of the known populations; None when none is known (the TAAF have no inhabitants)."""
    known = [population for population in populations if population is not None]
    return sum(known) if known else None


def _membership(groups: Sequence[Record]) -> dict[str, str]:
    """INSEE code of each member commune → SIREN of its group (EPCI or EPT)."""
    return {member["code"]: group["code"] for group in groups for member in group["membres"]}


def _dominant(members: Sequence[Record], field: str) -> str | None:
    """The département (or région) holding most of the members' population.

    An EPCI may straddle départements; the one where most of its inhabitants live is the one a
    user expects to see next to its name.
    """
    weights: dict[str, int] = defaultdict(int)
    for member in members:
        weights[member[field]] += member.get("population") or 0
    return max(sorted(weights), key=weights.__getitem__) if weights else None


def _commune_rows(
    communes: Sequence[Record], epci: Sequence[Record], ept: Sequence[Record]
) -> list[list[Any]]:
    epci_of, ept_of = _membership(epci), _membership(ept)
    return [
        [
            commune.get("siren"),
            commune["code"],
            commune["nom"],
            commune.get("codesPostaux", []),
            commune["departement"],
            commune["region"],
            commune.get("population"),
            epci_of.get(commune["code"]),
            ept_of.get(commune["code"]),
        ]
        for commune in communes
    ]


def _group_rows(
    groups: Sequence[Record], communes_by_insee: Mapping[str, Record]
) -> list[list[Any]]:
    rows = []
    for group in groups:
        members = [communes_by_insee[member["code"]] for member in group["membres"]]
        rows.append(
            [
                group["code"],
                group["nom"],
                group["type"],
                _dominant(members, "departement"),
                _dominant(members, "region"),
                group["populationMunicipale"],
            ]
        )
    return rows


def _populations(communes: Sequence[Record], field: str) -> dict[str, int | None]:
    """Population of each département (or région): the sum over its communes."""
    grouped: dict[str, list[int | None]] = defaultdict(list)
    for commune in communes:
        grouped[commune[field]].append(commune.get("population"))
    return {code: _total(populations) for code, populations in grouped.items()}


def build(package_dir: Path) -> dict[str, Any]:
    """The whole reference as one JSON-ready document, rows sorted by code."""
    package = json.loads((package_dir / "package.json").read_bytes())
    # Only current communes: delegated and associated communes are history, and the municipal
    # arrondissements of Paris, Lyon and Marseille have no SIREN (their postal codes are
    # already carried by their commune).
    communes = sorted(
        (c for c in _read(package_dir, "communes") if c["type"] == "commune-actuelle"),
        key=lambda commune: str(commune["code"]),
    )
    by_insee = {commune["code"]: commune for commune in communes}
    epci = sorted(_read(package_dir, "epci"), key=lambda group: str(group["code"]))
    ept = sorted(_read(package_dir, "ept"), key=lambda group: str(group["code"]))
    region_populations = _populations(communes, "region")
    departement_populations = _populations(communes, "departement")
    return {
        "format": FORMAT_VERSION,
        "source": {
            "package": package["name"],
            "version": package["version"],
            "license": package["license"],
            "license_text": (package_dir / "LICENSE").read_text(encoding="utf-8").strip(),
            "regenerate": REGENERATE,
        },
        "columns": COLUMNS,
        "regions": [
            [region["code"], region["nom"], region_populations.get(region["code"])]
            for region in _read(package_dir, "regions")
        ],
        "departements": [
            [dep["code"], dep["nom"], dep["region"], departement_populations.get(dep["code"])]
            for dep in _read(package_dir, "departements")
        ],
        "epci": _group_rows(epci, by_insee),
        "ept": _group_rows(ept, by_insee),
        "communes": _commune_rows(communes, epci, ept),
    }


def _source_note(document: Mapping[str, Any]) -> str:
    source = document["source"]
    counts = ", ".join(f"{len(document[table])} {table}" for table in COLUMNS)
    return f"""# Source of `{DATA_FILE_NAME}`

Generated by `services/common/territories/build.py`; do not edit by hand.

- Package: `{source["package"]}` version {source["version"]} (npm), pinned in
  `tools/territories/package.json` and `package-lock.json`.
- Licence of the package: {source["license"]} (text below). Its README adds that the data itself
  is published under the Licence Ouverte (Etalab); both allow reuse with attribution.
- Content: {counts}.
- Regenerate (or `make territories`):

```
{source["regenerate"]}
```

## Licence of the package

```
{source["license_text"]}
```
"""


def write(document: Mapping[str, Any], output_dir: Path) -> Path:
    """Write the compressed reference and its SOURCE.md; return the data file's path."""
    output_dir.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    target = output_dir / DATA_FILE_NAME
    # mtime=0 keeps the output byte-identical from one run to the next.
    target.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    (output_dir / "SOURCE.md").write_text(_source_note(document), encoding="utf-8")
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package_dir", type=Path, help="installed package folder")
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    target = write(build(args.package_dir), args.output_dir)
    print(f"{target}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
