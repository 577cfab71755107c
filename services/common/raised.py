"""The problem statuses a route can raise, read from its source (for the OpenAPI document).

A route raises `services.common.errors` problems itself, or through a helper of its module,
or through the service's domain functions (`workflow.publish` raising `Conflict`). Declaring
each by hand on the route with `responses=` was forgotten often enough (a 409 of the
observatory's results, the 400 of an oversized import) that the kernel reads them instead:
the `raise SomeProblem(...)` statements of the function, and of the functions of the
project's own packages that it calls, followed transitively. Only names that resolve to a
`ProblemError` subclass count; a `raise error` of a variable is not followed.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType
from typing import Any

from services.common.errors import ProblemError

# Only the project's own code is read (and the route's own module): a library's raises are
# not problems the service answers.
PACKAGE = "services."


def statuses_raised(function: Callable[..., Any]) -> frozenset[int]:
    """The statuses of the problems `function` may raise, itself or through what it calls."""
    seen: set[Callable[..., Any]] = set()
    found: set[int] = set()
    pending = [inspect.unwrap(function)]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        raised, called = _read(current)
        found.update(raised)
        pending.extend(called)
    return frozenset(found)


@cache
def _read(function: Callable[..., Any]) -> tuple[frozenset[int], tuple[Callable[..., Any], ...]]:
    """The statuses `function` raises itself and the project's functions it calls."""
    tree = _tree(function)
    if tree is None:
        return frozenset(), ()
    names = getattr(function, "__globals__", {})
    raised = {
        error.status
        for node in ast.walk(tree)
        if isinstance(node, ast.Raise) and node.exc is not None
        for error in [_resolve(_callee(node.exc), names)]
        if isinstance(error, type) and issubclass(error, ProblemError)
    }
    called = tuple(
        target
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for target in [_resolve(node.func, names)]
        if _is_own_function(target, function.__module__)
    )
    return frozenset(raised), called


def _tree(function: Callable[..., Any]) -> ast.AST | None:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return None
    return ast.parse(textwrap.dedent(source))


def _callee(node: ast.expr) -> ast.expr:
    return node.func if isinstance(node, ast.Call) else node


def _resolve(node: ast.expr, names: dict[str, Any]) -> Any:
    """What a name or a dotted attribute (`workflow.publish`) names in the function's module."""
    parts = list(_dotted(node))
    if not parts:
        return None
    value = names.get(parts[0])
    for part in parts[1:]:
        if not isinstance(value, ModuleType | type):
            return None
        value = getattr(value, part, None)
    return value


def _dotted(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        inner = list(_dotted(node.value))
        if inner:
            yield from inner
            yield node.attr


def _is_own_function(target: Any, module: str) -> bool:
    """A function of the project, or of the module of the function that calls it."""
    if not inspect.isfunction(target):
        return False
    return target.__module__ == module or str(target.__module__).startswith(PACKAGE)
