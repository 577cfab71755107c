"""The expression language of relevance, constraints and calculations: a JSON tree, never code.

    {"op": "and", "args": [{"op": "eq", "args": [{"var": "q_usage"}, "oui"]},
                           {"op": "lte", "args": [{"var": "satisf"}, 2]}]}

A value expression is a literal (string, number, boolean, null — the empty string — or a list of
codes), `{"var": key}` (an answer; the empty string when absent), `{"org": attribute}` (the
local authority: kind, population, region, departement) or `{"op": name, "args": [values…]}`:

- boolean: `and`, `or`, `not`, `true`, `false`, `boolean`, `answered`;
- comparisons: `eq`, `neq` (XPath `=`: as booleans if a side is one, else as numbers if a side
  is one, else as strings), `lt`, `lte`, `gt`, `gte` (always numeric: both sides through
  number(); an ISO date counts as its days since 1970-01-01);
- choices: `in` (equal to one of a literal list), `includes` and `selected` (a code among the
  ticked ones), `includes_any`, `includes_all`, `count_gte`, `count_lte`, `count_selected`;
- arithmetic: `add`, `sub`, `mul`, `div`, `mod`, `neg` (NaN and ±Infinity as IEEE 754 says);
- functions: `if`, `coalesce`, `concat`, `number`, `int`, `round`, `string_length`, `string`,
  `today` (ISO date of the day; callers may fix it, the tests do).

`evaluate` is the XPath boolean() of `evaluate_value`. The semantics are ODK's (XPath 1.0 as
JavaRosa applies it): see coercion.py. The TypeScript twin is frontend/src/survey/rules.ts;
vectors.json holds the cases both must agree on (tests/survey/test_vectors.py runs them on both).
"""

from services.survey.expressions.coercion import (
    format_number,
    is_answered,
    to_boolean,
    to_number,
    to_string,
)
from services.survey.expressions.evaluate import evaluate, evaluate_value
from services.survey.expressions.grammar import (
    ARITY,
    BINARY_OPS,
    BOOLEAN_OPS,
    MAX_DEPTH,
    ORG_ATTRIBUTES,
    UNARY_OPS,
    VALUE_OPS,
    ExpressionError,
    check_expression,
    check_value,
    variables_of,
)

__all__ = [
    "ARITY",
    "BINARY_OPS",
    "BOOLEAN_OPS",
    "MAX_DEPTH",
    "ORG_ATTRIBUTES",
    "UNARY_OPS",
    "VALUE_OPS",
    "ExpressionError",
    "check_expression",
    "check_value",
    "evaluate",
    "evaluate_value",
    "format_number",
    "is_answered",
    "to_boolean",
    "to_number",
    "to_string",
    "variables_of",
]
