"""The questionnaire definition: a JSON document, validated here and served with its JSON Schema.

A definition holds shared choice lists and items (sections, notes and questions). Question keys
are stable across versions: exports, history and conditions refer to them. Relevance and
constraints are expression trees (see `expressions/`), never code to evaluate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.survey.choice_filter import substitute
from services.survey.expressions import (
    ARITY,
    ORG_ATTRIBUTES,
    ExpressionError,
    check_expression,
    check_value,
    variables_of,
)

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,40}$"
MAX_TEXT = 2000
# Items of a section or a questionnaire, lists, choices of a list: as many as an XLSForm's rows.
MAX_ITEMS = 2000
DONT_KNOW = "nsp"
YES_NO_CHOICES = [("oui", "Oui"), ("non", "Non"), (DONT_KNOW, "Ne sait pas")]

Key = Annotated[
    str, Field(pattern=KEY_PATTERN, max_length=63, description="Clé stable de la question.")
]
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=40)]
Label = Annotated[str, Field(min_length=1, max_length=1000)]
# Bounded in size by the key count of each node ({"op", "args"}), the body limit and the
# nesting limit at the edge (services.common.json_limits).
LanguageName = Annotated[str, Field(min_length=1, max_length=60)]
# Where a translated text goes: `item:<key>:<field>`, `choice:<list>:<code>`, `row:<key>:<code>`.
TextPath = Annotated[
    str, Field(pattern=r"^(item|choice|row):[A-Za-z0-9_.-]{1,63}:[A-Za-z0-9_.-]{1,63}$")
]
TRANSLATABLE = (
    "label",
    "hint",
    "guidance_hint",
    "constraint_message",
    "required_message",
    "min_label",
    "max_label",
    "description",
)
Expression = Annotated[
    dict[str, Any],
    Field(
        max_length=2,
        description="Arbre d'expression JSON (voir la documentation : and, or, eq, var, org…).",
    ),
]

ChoiceFilter = Annotated[
    dict[str, Any],
    Field(
        max_length=2,
        description="Les choix proposés (XLSForm choice_filter) : un arbre d'expression où "
        '`{"choice": colonne}` lit une propriété du choix.',
    ),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(Strict):
    code: Code
    label: Label
    # "Ne sait pas", "Aucun": a code that excludes every other one in a multiple choice.
    exclusive: bool = False
    # The other columns of the XLSForm choices sheet, which a `choice_filter` reads.
    properties: dict[
        Annotated[str, Field(max_length=63)], Annotated[str, Field(max_length=200)]
    ] = Field(default_factory=dict, max_length=64)


class Other(Strict):
    """An "Autre, précisez" option: its code, and the key of the free text that goes with it."""

    code: Code = "autre"
    key: Key


class QuestionBase(Strict):
    kind: Literal["question"] = "question"
    key: Key
    label: Label
    hint: str | None = Field(None, max_length=1000)
    # Longer guidance (XLSForm `guidance_hint`), shown on request below the hint.
    guidance_hint: str | None = Field(None, max_length=2000)
    required: bool = False
    required_message: str | None = Field(None, max_length=300)
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: str | None = Field(None, max_length=300)
    # The answer the form opens with, as XLSForm writes it (a code, "a b" codes, a number, a date).
    default: str | None = Field(None, max_length=200)
    # XLSForm `appearance`, kept as written for the export (the page reads `multiline`).
    appearance: str | None = Field(None, max_length=100)


class SelectOne(QuestionBase):
    type: Literal["select_one"]
    choices: Key
    other: Other | None = None
    choice_filter: ChoiceFilter | None = None


class SelectMultiple(QuestionBase):
    type: Literal["select_multiple"]
    choices: Key
    other: Other | None = None
    choice_filter: ChoiceFilter | None = None
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=1)


class YesNo(QuestionBase):
    type: Literal["yes_no"]


class Number(QuestionBase):
    type: Literal["integer", "decimal"]
    unit: str | None = Field(None, max_length=40)
    min: float | None = None
    max: float | None = None
    # "Ne sait pas" is then offered, and stored as the code "nsp".
    dont_know: bool = False


class Text(QuestionBase):
    type: Literal["text", "textarea"]
    max_length: int = Field(MAX_TEXT, ge=1, le=20000)


class Scale(QuestionBase):
    type: Literal["scale"]
    min_label: str | None = Field(None, max_length=100)
    max_label: str | None = Field(None, max_length=100)
    dont_know: bool = False


class MatrixRow(Strict):
    code: Code
    label: Label


class Matrix(QuestionBase):
    type: Literal["matrix"]
    choices: Key
    rows: list[MatrixRow] = Field(min_length=1, max_length=50)


class DateQuestion(QuestionBase):
    type: Literal["date"]


Question = Annotated[
    SelectOne | SelectMultiple | YesNo | Number | Text | Scale | Matrix | DateQuestion,
    Field(discriminator="type"),
]


class Note(Strict):
    kind: Literal["note"]
    key: Key
    label: Label
    hint: str | None = Field(None, max_length=1000)
    relevant: Expression | None = None


class Calculate(Strict):
    """A value computed from earlier answers (XLSForm `calculate`): never shown, computed live
    by the respondent page, recomputed by the server, stored and exported like an answer."""

    kind: Literal["calculate"]
    key: Key
    calculation: Annotated[
        dict[str, Any],
        Field(
            max_length=2,
            description="Valeur calculée : une expression de valeur (voir la documentation).",
        ),
    ]
    # The column title of exports; never shown to the respondent.
    label: Label | None = None
    relevant: Expression | None = None

    @property
    def type(self) -> str:
        """As a question's: what exports, receipts and the observatory tell apart."""
        return "calculate"


class Section(Strict):
    kind: Literal["section"]
    key: Key
    label: Label
    description: str | None = Field(None, max_length=2000)
    relevant: Expression | None = None
    appearance: str | None = Field(None, max_length=100)
    items: list[Question | Note | Calculate] = Field(min_length=1, max_length=MAX_ITEMS)


# No discriminator on "kind": Question is itself discriminated by "type", and OpenAPI cannot
# describe a discriminator nested in another.
Item = Section | Note | Calculate | Question


class Definition(Strict):
    """A questionnaire version, as analysts write it (JSON) or import it (XLSForm)."""

    key: Key = Field(description="Identifiant stable du questionnaire, commun à ses versions.")
    version: str = Field(min_length=1, max_length=40)
    title: Label
    description: str | None = Field(None, max_length=4000)
    choice_lists: dict[Key, Annotated[list[Choice], Field(max_length=MAX_ITEMS)]] = Field(
        default_factory=dict, max_length=MAX_ITEMS
    )
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    default_language: LanguageName | None = Field(
        None,
        description="Langue des libellés ci-dessus, nommée comme dans XLSForm (« Français (fr) »).",
    )
    translations: dict[
        LanguageName,
        Annotated[
            dict[TextPath, Annotated[str, Field(max_length=MAX_TEXT)]],
            Field(max_length=20 * MAX_ITEMS),
        ],
    ] = Field(
        default_factory=dict,
        max_length=20,
        description="Les textes dans d'autres langues, par chemin : `item:<clé>:label`, "
        "`item:<clé>:hint`, `choice:<liste>:<code>`, `row:<clé>:<code>`…",
    )

    @model_validator(mode="after")
    def _coherent(self) -> Definition:
        problems = list(coherence_problems(self))
        if problems:
            raise ValueError(" ; ".join(problems))
        return self


@dataclass(frozen=True)
class FlatQuestion:
    """A question in document order, with the relevance of its sections folded in."""

    key: str
    type: str
    label: str
    question: Any  # the pydantic question, or None for an "other" text
    relevant: list[dict[str, Any]]  # every condition that must hold (section's, then own)
    required: bool
    parent: str | None = None  # the select an "Autre, précisez" text belongs to


def flatten(definition: Definition) -> list[FlatQuestion]:
    """Questions in the order they are shown (notes left out), "other" texts included."""
    return list(_flat(definition.items, []))


def _flat(items: list[Any], conditions: list[dict[str, Any]]) -> Iterator[FlatQuestion]:
    for item in items:
        own = [*conditions, item.relevant] if item.relevant is not None else conditions
        if isinstance(item, Section):
            yield from _flat(item.items, own)
        elif isinstance(item, Calculate):
            yield FlatQuestion(item.key, "calculate", item.label or item.key, item, own, False)
        elif not isinstance(item, Note):
            yield FlatQuestion(item.key, item.type, item.label, item, own, item.required)
            other = getattr(item, "other", None)
            if other is not None:
                op = "eq" if item.type == "select_one" else "includes"
                when = {"op": op, "args": [{"var": item.key}, other.code]}
                yield FlatQuestion(
                    other.key,
                    "text",
                    f"{item.label} (autre, précisez)",
                    None,
                    [*own, when],
                    False,
                    item.key,
                )


def codes_of(definition: Definition, question: Any) -> list[str]:
    if question.type == "yes_no":
        return [code for code, _ in YES_NO_CHOICES]
    return [choice.code for choice in definition.choice_lists[question.choices]]


def coherence_problems(definition: Definition) -> Iterator[str]:
    """What JSON Schema cannot say: unique keys, known lists, conditions on earlier questions."""
    seen: set[str] = set()
    for item in _all_items(definition.items):
        if item.key in seen:
            yield f"la clé « {item.key} » est utilisée deux fois"
        seen.add(item.key)
        choices = getattr(item, "choices", None)
        if choices is not None and choices not in definition.choice_lists:
            yield f"« {item.key} » : liste de choix « {choices} » inconnue"
        other = getattr(item, "other", None)
        if other is not None:
            if other.key in seen:
                yield f"la clé « {other.key} » est utilisée deux fois"
            seen.add(other.key)
    for name, choices in definition.choice_lists.items():
        codes = [choice.code for choice in choices]
        if len(set(codes)) != len(codes):
            yield f"liste « {name} » : un code est répété"
    answered: set[str] = set()
    for item in _all_items(definition.items):
        for field, expression in (
            ("relevant", item.relevant),
            ("constraint", getattr(item, "constraint", None)),
            # A choice's columns read as text: what is left must be an expression of the language.
            ("choice_filter", substitute(getattr(item, "choice_filter", None), {})),
            ("calculation", getattr(item, "calculation", None)),
        ):
            if expression is None:
                continue
            try:
                (check_value if field == "calculation" else check_expression)(expression)
            except ExpressionError as error:
                yield f"« {item.key} » ({field}) : {error}"
                continue
            allowed = answered | ({item.key} if field == "constraint" else set())
            for name in variables_of(expression):
                if name not in allowed:
                    yield f"« {item.key} » ({field}) : « {name} » n'est pas une question qui précède"
        if not isinstance(item, (Section, Note)):
            answered.add(item.key)
            other = getattr(item, "other", None)
            if other is not None:
                answered.add(other.key)
    yield from _translation_problems(definition)


def _translation_problems(definition: Definition) -> Iterator[str]:
    """Each translated text names a text that exists; a default is one of the question's codes."""
    items = {item.key: item for item in _all_items(definition.items)}
    for language, texts in definition.translations.items():
        if language == definition.default_language:
            yield f"traductions : « {language} » est la langue par défaut"
        for path in texts:
            kind, owner, name = path.split(":")
            if kind == "item":
                known = owner in items and name in TRANSLATABLE
            elif kind == "choice":
                known = any(c.code == name for c in definition.choice_lists.get(owner, []))
            else:
                rows = getattr(items.get(owner), "rows", None) or []
                known = any(row.code == name for row in rows)
            if not known:
                yield f"traductions ({language}) : « {path} » ne désigne aucun texte"
    for item in items.values():
        default = getattr(item, "default", None)
        if default is None or getattr(item, "choices", None) not in definition.choice_lists:
            continue
        codes = {choice.code for choice in definition.choice_lists[item.choices]}
        if any(code not in codes for code in default.split()):
            yield f"« {item.key} » : la valeur par défaut « {default} » n'est pas un code de la liste"


def _all_items(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _all_items(item.items)


OPERAND_SCHEMA: dict[str, Any] = {
    "description": (
        "Une valeur littérale, une liste de valeurs, une réponse, un attribut de la collectivité "
        "ou une expression de valeur."
    ),
    "anyOf": [
        {"type": ["string", "number", "boolean", "null"]},
        {"type": "array", "items": {"type": ["string", "number", "boolean", "null"]}},
        {
            "type": "object",
            "properties": {"var": {"type": "string", "pattern": KEY_PATTERN}},
            "required": ["var"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"org": {"enum": sorted(ORG_ATTRIBUTES)}},
            "required": ["org"],
            "additionalProperties": False,
        },
        {"$ref": "#/$defs/Expression"},
    ],
}


def _operation(ops: list[str], least: int, most: int | None) -> dict[str, Any]:
    args: dict[str, Any] = {
        "type": "array",
        "minItems": least,
        "items": {"$ref": "#/$defs/Operand"},
    }
    if most is not None:
        args["maxItems"] = most
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["op", "args"],
        "properties": {"op": {"enum": ops}, "args": args},
    }


# One branch per arity, each naming its operators (services/survey/expressions/grammar.py).
_ARITIES = sorted(set(ARITY.values()), key=lambda a: (a[0], a[1] or 99))
EXPRESSION_SCHEMA: dict[str, Any] = {
    "description": "Arbre d'expression : relevance, contrainte ou calcul, évalué sans code.",
    "oneOf": [
        _operation(sorted(op for op, arity in ARITY.items() if arity == (least, most)), least, most)
        for least, most in _ARITIES
    ],
}


def _point_expressions(node: Any) -> Any:
    """Replace the loose "object" of each relevance and constraint by the expression schema."""
    if isinstance(node, dict):
        if str(node.get("description", "")).startswith("Arbre d'expression"):
            return {"$ref": "#/$defs/Expression"}
        if str(node.get("description", "")).startswith("Valeur calculée"):
            # An answer, an attribute or an operation (a literal would be no calculation).
            return {"anyOf": [*OPERAND_SCHEMA["anyOf"][2:4], {"$ref": "#/$defs/Expression"}]}
        return {key: _point_expressions(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_point_expressions(item) for item in node]
    return node


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a definition, as served at `GET /questionnaires/schema`."""
    schema: dict[str, Any] = _point_expressions(Definition.model_json_schema())
    schema.setdefault("$defs", {}).update(Expression=EXPRESSION_SCHEMA, Operand=OPERAND_SCHEMA)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Définition de questionnaire"
    return schema
