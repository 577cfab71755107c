"""XPath 1.0 values as ODK/JavaRosa converts them: number(), string(), boolean(), and `=`.

A value is what an expression yields: a string, a number (always a float, as in XPath), a
boolean, a list (the codes ticked in a multiple choice, which ODK holds as one space-separated
string) or a dict (a matrix's answers). An absent answer is the empty string: ODK makes no
difference between a question left empty and one never reached.

Two extensions of plain XPath, both from ODK: a string that is an ISO date (YYYY-MM-DD, a date
answer or a date literal) converts to the number of days since 1970-01-01, so dates compare and
subtract as days; and a multiple choice is its space-separated string wherever a string is read.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from typing import Any

# XPath 1.0 Number, after the whitespace (space, tab, CR, LF) is trimmed.
# ASCII digits only, as in XPath (and JavaScript's \d): Python's \d also takes "٣".
NUMBER = re.compile(r"^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
XPATH_SPACE = " \t\r\n"
SPACES = re.compile(r"[ \t\r\n]+")
EPOCH = date(1970, 1, 1).toordinal()


def is_number(value: Any) -> bool:
    # type() rather than isinstance(): a bool is an int to Python, never a number to XPath.
    kind = type(value)
    return kind is float or kind is int


def days_of(text: str) -> float | None:
    """The days since 1970-01-01 of an ISO date, None when `text` is not one."""
    if not ISO_DATE.match(text):
        return None
    try:
        return float(date.fromisoformat(text).toordinal() - EPOCH)
    except ValueError:
        return None


def to_number(value: Any) -> float:
    """XPath number(): a trimmed decimal string, an ISO date as days, true 1, false 0; else NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if is_number(value):
        return float(value)
    text = to_string(value).strip(XPATH_SPACE)
    if NUMBER.match(text):
        return float(text)
    days = days_of(text)
    return days if days is not None else math.nan


def format_number(number: float) -> str:
    """XPath string() of a number: no exponent, no trailing ".0", NaN and Infinity spelt out."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    # repr is the shortest text that reads back as the same float, as is JavaScript's String().
    text = format(Decimal(repr(number)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_string(value: Any) -> str:
    """XPath string(): a multiple choice as ODK holds it, codes joined by spaces."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(float(value))
    if isinstance(value, list):
        return " ".join(to_string(item) for item in value)
    if isinstance(value, dict):
        # The string-value of a group: its children's values, concatenated, in key order.
        return "".join(to_string(value[key]) for key in sorted(value))
    return str(value)


def to_boolean(value: Any) -> bool:
    """XPath boolean(): a number other than 0 and NaN, a non-empty string (or choice)."""
    if isinstance(value, bool):
        return value
    if is_number(value):
        return not (value == 0 or math.isnan(value))
    return to_string(value) != ""


def equal(left: Any, right: Any) -> bool:
    """XPath `=`: as booleans if either side is one, else as numbers if either side is one,
    else as strings. NaN equals nothing, itself included."""
    if type(left) is str and type(right) is str:  # the usual case: a code and a code
        return left == right
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) == to_boolean(right)
    if is_number(left) or is_number(right):
        return to_number(left) == to_number(right)
    return to_string(left) == to_string(right)


def not_equal(left: Any, right: Any) -> bool:
    """XPath `!=`: true when `=` would not hold, NaN aside (NaN != x is true, as in XPath)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return to_boolean(left) != to_boolean(right)
    if is_number(left) or is_number(right):
        return to_number(left) != to_number(right)
    return to_string(left) != to_string(right)


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def codes_of(value: Any) -> list[str]:
    """The codes a value selects, as ODK's selected() reads them: the space-separated words."""
    if isinstance(value, list):
        return [to_string(item) for item in value]
    return [code for code in SPACES.split(to_string(value)) if code]
