"""The languages of an XLSForm: which columns hold the questionnaire's own texts, which hold
translations, as pyxform reads them.

pyxform puts the columns without a language (`label`) in the language the settings sheet names
as `default_language`, else in a language called "default"; the respondent's device opens the
form in `default_language`, else in the first language. The definition keeps the texts of that
language in its fields and the others in `translations`, by path (`item:<key>:label`…).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.survey.questionnaires.xlsform_sheets import Row, languages_of


@dataclass
class Languages:
    default: str | None  # the language of the main texts; None: columns without a language
    others: list[str]
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: list[Row], default_language: str) -> Languages:
        named = languages_of(rows)
        plain = any(not column.count("::") for row in rows for column in row.cells)
        default: str | None
        if default_language:
            default = default_language
        elif plain or not named:
            default = None
        else:
            default = named[0]
        return cls(default, [language for language in named if language != default])

    def text(self, row: Row, column: str) -> str:
        """The text of the default language (the plain column when it has none)."""
        if self.default is not None and row.get(f"{column}::{self.default}"):
            return row.get(f"{column}::{self.default}")
        return row.get(column)

    def collect(self, row: Row, column: str, path: str) -> None:
        """Keep this cell's translations under `path`."""
        for language in self.others:
            value = row.get(f"{column}::{language}")
            if value:
                self.translations.setdefault(language, {})[path] = value

    def text_and_translations(self, row: Row, column: str, path: str) -> str:
        self.collect(row, column, path)
        return self.text(row, column)
