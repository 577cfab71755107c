"""The published aggregates as CSV (Licence Ouverte 2.0): the figures of the page, rounded the
same way (percentages and means to one decimal, totals to the unit), French decimal commas."""

from __future__ import annotations

import csv
import io
from typing import Any

from services.common.spreadsheets import neutralise

HEADER = [
    "ventilation",
    "domaine_code",
    "domaine",
    "question_code",
    "question",
    "reponse_code",
    "reponse",
    "statistique",
    "valeur",
    "ic95_bas",
    "ic95_haut",
    "n_repondants",
    "n_reponse",
    "population",
    "fiabilite",
    "diffusion",
]
NUMBERS = frozenset(
    HEADER.index(name)
    for name in ("valeur", "ic95_bas", "ic95_haut", "n_repondants", "n_reponse", "population")
)


def decimal(value: float | None, digits: int = 1) -> str:
    """A figure as the page shows it: "16,3"."""
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def percent(value: float | None) -> str:
    return "" if value is None else decimal(100.0 * value)


def _reliability(cell: dict[str, Any]) -> str:
    return "fiable" if cell.get("reliable") else "fragile"


def rows(result: dict[str, Any]) -> list[list[str]]:
    labels = {domain["key"]: domain["label"] for domain in result["domains"]}
    out: list[list[str]] = []
    for question in result["questions"]:
        answers = {answer["code"]: answer["label"] for answer in question["answers"]}
        for cell in question["cells"]:
            lead = [
                result["breakdown"],
                cell["domain"],
                labels.get(cell["domain"], cell["domain"]),
                question["key"],
                question["label"],
                cell["code"] or "",
                answers.get(cell["code"], "") if cell["code"] else "",
            ]
            if cell["suppressed"]:
                n = "" if cell["n"] is None else str(cell["n"])
                statistic = "proportion" if cell["code"] else "moyenne"
                out.append(
                    [
                        *lead,
                        statistic,
                        "",
                        "",
                        "",
                        n,
                        "",
                        str(cell["population"]),
                        "",
                        "secret statistique",
                    ]
                )
                continue
            common = [str(cell["n"]), str(cell["population"]), _reliability(cell), "publiée"]
            if cell["code"] is not None:
                out.append(
                    [
                        *lead,
                        "proportion (%)",
                        percent(cell["estimate"]),
                        percent(cell["ci_low"]),
                        percent(cell["ci_high"]),
                        common[0],
                        str(cell["count"]),
                        *common[1:],
                    ]
                )
                continue
            for statistic, value, low, high, digits in (
                ("moyenne", cell["mean"], cell["mean_ci_low"], cell["mean_ci_high"], 1),
                ("médiane", cell["median"], None, None, 1),
                ("total", cell["total"], cell["total_ci_low"], cell["total_ci_high"], 0),
            ):
                if value is None and statistic != "moyenne":
                    continue  # a median few share, a share's total: not published
                out.append(
                    [
                        *lead,
                        statistic,
                        decimal(value, digits),
                        decimal(low, digits),
                        decimal(high, digits),
                        common[0],
                        "",
                        *common[1:],
                    ]
                )
    return out


def as_csv(result: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(result):
        # Labels come from questionnaires (XLSForm): neutralised; a figure such as "-0,3" stays
        # a number for the spreadsheet.
        writer.writerow(
            [
                neutralise(value) if number not in NUMBERS else value
                for number, value in enumerate(row)
            ]
        )
    return "\ufeff" + buffer.getvalue()
