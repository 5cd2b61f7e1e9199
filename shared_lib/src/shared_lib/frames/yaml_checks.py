"""Checks written in YAML: ``non_empty`` or ``{unique: user_id}``, turned into FrameChecks.

>>> [check.name for check in parse_checks(["non_empty", {"unique": "user_id"}])]
['non_empty', 'user_id_is_unique']
>>> parse_checks([{"values_between": {"column": "p", "lower": 0, "upper": 1}}])[0].description
'p lies in [0, 1].'
"""

from collections.abc import Callable, Sequence
from typing import Any

from shared_lib.frames.checks import FrameCheck, no_nulls, non_empty, unique, values_between

CheckDeclaration = str | dict[str, Any]
"""A check name (``non_empty``) or a one-key mapping of a name to its arguments."""


def _values_between(arguments: Any) -> FrameCheck:
    return values_between(arguments["column"], arguments["lower"], arguments["upper"])


def _no_nulls(arguments: Any) -> FrameCheck:
    return no_nulls(*([arguments] if isinstance(arguments, str) else arguments))


CHECKS: dict[str, tuple[Callable[[Any], FrameCheck], str]] = {
    "non_empty": (lambda _: non_empty(), "non_empty"),
    "unique": (unique, "{unique: user_id}"),
    "no_nulls": (_no_nulls, "{no_nulls: [user_id, segment]}"),
    "values_between": (_values_between, "{values_between: {column: p, lower: 0, upper: 1}}"),
}
"""Each check YAML can name: how to build it, and how to write it."""

USAGE = ", ".join(example for _, example in CHECKS.values())


def parse_checks(declarations: Sequence[CheckDeclaration]) -> list[FrameCheck]:
    """The FrameChecks ``declarations`` name; ``ValueError`` says which one is wrong and why."""
    return [_parse(declaration) for declaration in declarations]


def _parse(declaration: CheckDeclaration) -> FrameCheck:
    if isinstance(declaration, str):
        name, arguments = declaration, None
    elif isinstance(declaration, dict) and len(declaration) == 1:
        ((name, arguments),) = declaration.items()
    else:
        raise ValueError(f"check {declaration!r} is neither a name nor a one-key mapping; {USAGE}")
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; the checks are: {USAGE}")
    build, example = CHECKS[name]
    if name != "non_empty" and arguments is None:
        raise ValueError(f"check {name!r} needs arguments, e.g. {example}")
    try:
        return build(arguments)
    except (KeyError, TypeError) as error:
        raise ValueError(
            f"check {declaration!r} is malformed ({error}); write it as {example}"
        ) from None
