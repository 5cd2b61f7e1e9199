"""Data checks that run on frames inside the step, before anything is stored.

A :class:`FrameCheck` is a schema requirement plus, optionally, a Polars expression that counts
violating rows. All checks of an asset are evaluated in one ``select`` over the frame, so a
``LazyFrame`` is scanned once and a ``DataFrame`` is never copied.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl
from polars.datatypes import DataType, DataTypeClass

PolarsType = DataType | DataTypeClass


@dataclass(frozen=True)
class FrameCheck:
    """One named expectation about a frame.

    ``columns`` maps each column the check needs to its required dtype (``None``: any dtype).
    ``violations`` is a Polars expression evaluating to the number of offending rows; a check
    without one only inspects the schema. A failed ``blocking`` check stops the step before the
    frame is stored, so the last good version stays in place and downstream assets do not run.

    >>> check = values_between("predicted_churn_proba", 0.0, 1.0)
    >>> outcomes, _ = evaluate_checks(pl.DataFrame({"predicted_churn_proba": [0.1, 1.5]}), [check])
    >>> outcomes[0].problem
    '1 row(s) violate: predicted_churn_proba lies in [0.0, 1.0].'
    """

    name: str
    description: str
    columns: Mapping[str, PolarsType | None] = field(default_factory=dict)
    violations: pl.Expr | None = None
    blocking: bool = True
    failure_message: str = "{violations} row(s) violate: {description}"


@dataclass(frozen=True)
class CheckOutcome:
    """What one :class:`FrameCheck` found; ``problem`` says why it failed, for people to read."""

    check: FrameCheck
    violations: int = 0
    problem: str | None = None

    @property
    def passed(self) -> bool:
        return self.problem is None


def non_empty(*, blocking: bool = True) -> FrameCheck:
    """The frame has at least one row."""
    return FrameCheck(
        name="non_empty",
        description="The frame has at least one row.",
        violations=(pl.len() == 0).cast(pl.Int64),
        blocking=blocking,
        failure_message="the frame is empty",
    )


def has_columns(columns: Mapping[str, PolarsType | None], *, blocking: bool = True) -> FrameCheck:
    """The frame has these columns, each of the given dtype (``None``: any dtype)."""
    return FrameCheck(
        name="has_required_columns",
        description="Required columns: "
        + ", ".join(f"{name} ({dtype or 'any dtype'})" for name, dtype in columns.items()),
        columns=dict(columns),
        blocking=blocking,
    )


def no_nulls(*columns: str, blocking: bool = True) -> FrameCheck:
    """None of these columns holds a null."""
    return FrameCheck(
        name="no_nulls_in_" + "_".join(columns),
        description=f"no nulls in {', '.join(columns)}",
        columns=dict.fromkeys(columns),
        violations=pl.sum_horizontal(pl.col(c).null_count() for c in columns),
        blocking=blocking,
        failure_message="{violations} null(s) found: expected {description}",
    )


def values_between(column: str, lower: float, upper: float, *, blocking: bool = True) -> FrameCheck:
    """Every non-null value of ``column`` lies in ``[lower, upper]``."""
    return FrameCheck(
        name=f"{column}_in_range",
        description=f"{column} lies in [{lower}, {upper}].",
        columns={column: None},
        violations=(~pl.col(column).is_between(lower, upper)).sum(),
        blocking=blocking,
    )


def unique(column: str, *, blocking: bool = True) -> FrameCheck:
    """``column`` holds no duplicate value."""
    return FrameCheck(
        name=f"{column}_is_unique",
        description=f"{column} is unique.",
        columns={column: None},
        violations=pl.len() - pl.col(column).n_unique(),
        blocking=blocking,
    )


def schema_problem(schema: pl.Schema, columns: Mapping[str, PolarsType | None]) -> str | None:
    """Why ``schema`` does not satisfy ``columns``, or ``None`` when it does."""
    missing = [name for name in columns if name not in schema]
    if missing:
        return f"missing column(s) {missing}; the frame has {list(schema)}"
    wrong = [
        f"{name} is {schema[name]}, expected {dtype}"
        for name, dtype in columns.items()
        if dtype is not None and schema[name] != dtype
    ]
    return "; ".join(wrong) or None


def evaluate_checks(
    frame: pl.DataFrame | pl.LazyFrame,
    checks: Sequence[FrameCheck],
    *,
    extra: Iterable[pl.Expr] = (),
) -> tuple[list[CheckOutcome], dict[str, object]]:
    """Evaluate ``checks`` on ``frame`` in a single pass.

    ``extra`` expressions (``pl.len()`` for the row count, say) ride along in the same pass;
    their values come back in the second element, keyed by output name. A check whose
    expression cannot run on this frame (a range check on a string column, say) fails with the
    reason instead of raising.
    """
    schema = frame.collect_schema()
    problems: list[str | None] = [schema_problem(schema, check.columns) for check in checks]
    expressions = {
        f"__check_{index}": check.violations
        for index, check in enumerate(checks)
        if check.violations is not None and problems[index] is None
    }
    extras = list(extra)
    try:
        row = _select_row(frame, [e.alias(n) for n, e in expressions.items()] + extras)
    except pl.exceptions.PolarsError:
        row = _select_row(frame, extras)
        for name, expression in expressions.items():
            try:
                row |= _select_row(frame, [expression.alias(name)])
            except pl.exceptions.PolarsError as error:
                problems[int(name.removeprefix("__check_"))] = f"could not be evaluated: {error}"
    outcomes = []
    for index, check in enumerate(checks):
        problem = problems[index]
        violations = int(str(row.pop(f"__check_{index}", None) or 0))
        if problem is None and violations:
            problem = check.failure_message.format(
                violations=violations, description=check.description
            )
        outcomes.append(CheckOutcome(check=check, violations=violations, problem=problem))
    return outcomes, row


def _select_row(
    frame: pl.DataFrame | pl.LazyFrame, expressions: list[pl.Expr]
) -> dict[str, object]:
    if not expressions:
        return {}
    selected = frame.select(expressions)
    if isinstance(selected, pl.LazyFrame):
        selected = selected.collect()
    return selected.row(0, named=True)
