"""``standard_asset``: ``dagster.asset`` plus the platform's conventions, via ``functools.wraps``.

The user's function is left as it is. Dagster sees a wrapper that carries the function's name,
docstring and signature (with a ``context`` parameter added when the function has none), so
inputs, config and resources are inferred exactly as ``@asset`` would infer them from the
function. At run time the wrapper calls the function with just what it asked for, then checks,
describes and logs the frame it returned before Dagster hands it to the IO manager.
"""

import functools
import inspect
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Failure,
    MetadataValue,
    Output,
    asset,
)
from dagster._core.definitions.decorators.op_decorator import is_context_provided

from shared_lib.checks import CheckOutcome, FrameCheck, evaluate_checks
from shared_lib.contracts import AssetContract
from shared_lib.errors import AssetDefinitionError
from shared_lib.frame_metadata import PREVIEW_ROWS, frame_metadata
from shared_lib.inputs import AssetInput, resolve_input, shared_partitions
from shared_lib.parquet_io import PARTITION_EXPR

ComputeFn = Callable[..., Any]


def standard_asset(
    compute_fn: ComputeFn | None = None,
    *,
    ins: Mapping[str, AssetInput] | None = None,
    checks: Sequence[FrameCheck] = (),
    input_checks: Mapping[str, Sequence[FrameCheck]] | None = None,
    contract: AssetContract | None = None,
    **asset_kwargs: Any,
) -> Any:
    """Define an asset the platform way; takes every ``dagster.asset`` keyword and passes it on.

    On top of ``@asset``:

    * ``ins`` values may be any :data:`AssetInput` (an ``AssetsDefinition``, ``AssetSpec``,
      :class:`AssetContract`, ``AssetKey``, key string or key path), so a factory can choose
      upstreams when it is called. Frames read from a contract's asset are checked against it,
      and against ``input_checks[name]``, before the function runs.
    * Without ``partitions_def``, the asset inherits the one its partitioned inputs share.
    * The function may take ``context``, a ``config: SomeConfig``, both or neither.
    * A returned ``DataFrame``/``LazyFrame`` gets ``dagster/row_count``, ``dagster/column_schema``
      and a preview, and is checked: each of ``checks`` (and the contract's) is an asset check;
      if a blocking one fails, the step fails before anything is stored.
    * ``contract`` makes this asset the producer of a published contract: key, group,
      partitions and description come from its spec unless given here.

    >>> import polars as pl
    >>> from shared_lib import non_empty
    >>> @standard_asset(group_name="demo", checks=[non_empty()])
    ... def numbers() -> pl.DataFrame:
    ...     '''Small numbers.'''
    ...     return pl.DataFrame({"n": [1, 2, 3]})
    >>> numbers.key.to_user_string(), numbers.descriptions_by_key[numbers.key]
    ('numbers', 'Small numbers.')
    """

    def decorate(fn: ComputeFn) -> AssetsDefinition:
        return _build_asset(
            fn, ins or {}, tuple(checks), input_checks or {}, contract, dict(asset_kwargs)
        )

    return decorate(compute_fn) if compute_fn is not None else decorate


def _build_asset(
    fn: ComputeFn,
    ins: Mapping[str, AssetInput],
    checks: tuple[FrameCheck, ...],
    input_checks: Mapping[str, Sequence[FrameCheck]],
    contract: AssetContract | None,
    asset_kwargs: dict[str, Any],
) -> AssetsDefinition:
    if contract is not None:
        asset_kwargs = {**_contract_kwargs(contract), **asset_kwargs}
        checks = (*contract.checks, *checks)
    key = _asset_key(fn, asset_kwargs)
    label = key.to_user_string()
    if inspect.isgeneratorfunction(fn) or inspect.iscoroutinefunction(fn):
        raise AssetDefinitionError(
            f"Asset {label}: standard_asset needs a function that returns its value; "
            f"{fn.__name__} is a generator or coroutine. Return the frame instead of yielding it."
        )
    _reject_duplicate_check_names(label, checks)
    resolved = {
        name: resolve_input(value, asset=label, parameter=name) for name, value in ins.items()
    }
    if "partitions_def" not in asset_kwargs:
        asset_kwargs["partitions_def"] = shared_partitions(list(resolved.values()), asset=label)
    asset_kwargs.setdefault("kinds", {"polars"})
    asset_kwargs["check_specs"] = [
        *asset_kwargs.get("check_specs", ()),
        *(
            AssetCheckSpec(name=c.name, asset=key, description=c.description, blocking=c.blocking)
            for c in checks
        ),
    ]
    unknown = sorted(set(input_checks) - set(resolved))
    if unknown:
        raise AssetDefinitionError(
            f"Asset {label}: input_checks names {unknown}, which are not in ins "
            f"({sorted(resolved)})."
        )
    checks_by_input = {
        name: (*r.checks, *input_checks.get(name, ())) for name, r in resolved.items()
    }
    partition_column = (asset_kwargs.get("metadata") or {}).get(PARTITION_EXPR)
    wrapper = _wrap(
        fn, key, checks, {name: c for name, c in checks_by_input.items() if c}, partition_column
    )
    return asset(ins={name: r.asset_in for name, r in resolved.items()} or None, **asset_kwargs)(
        wrapper
    )


def _contract_kwargs(contract: AssetContract) -> dict[str, Any]:
    spec = contract.spec
    return {
        "key": spec.key,
        "group_name": spec.group_name,
        "partitions_def": spec.partitions_def,
        "description": spec.description,
        "metadata": dict(spec.metadata),
    }


def _asset_key(fn: ComputeFn, asset_kwargs: Mapping[str, Any]) -> AssetKey:
    """The key ``dagster.asset`` will give this function, computed up front for the check specs."""
    if asset_kwargs.get("key") is not None:
        return AssetKey.from_coercible(asset_kwargs["key"])
    prefix = asset_kwargs.get("key_prefix") or []
    prefix = [prefix] if isinstance(prefix, str) else list(prefix)
    return AssetKey([*prefix, asset_kwargs.get("name") or fn.__name__])


def _reject_duplicate_check_names(label: str, checks: Sequence[FrameCheck]) -> None:
    names = [c.name for c in checks]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AssetDefinitionError(
            f"Asset {label}: checks {duplicates} are given more than once (a contract's checks "
            "are included already); drop the repeated ones."
        )


def _wrap(
    fn: ComputeFn,
    key: AssetKey,
    checks: tuple[FrameCheck, ...],
    input_checks: Mapping[str, tuple[FrameCheck, ...]],
    partition_column: str | None,
) -> ComputeFn:
    signature = inspect.signature(fn)
    parameters = list(signature.parameters.values())
    takes_context = is_context_provided(parameters)
    if not takes_context:
        context_parameter = inspect.Parameter(
            "context", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=AssetExecutionContext
        )
        parameters = [context_parameter, *parameters]
    label = key.to_user_string()

    @functools.wraps(fn)
    def wrapper(context: AssetExecutionContext, **kwargs: Any) -> Iterator[Any]:
        partition_keys = context.partition_keys if context.assets_def.partitions_def else []
        where = f"{label} {partition_keys}" if partition_keys else label
        _require_inputs(where, kwargs, input_checks)
        context.log.info(f"{where}: computing from {_describe_inputs(kwargs)}")
        started = time.perf_counter()
        result = fn(context, **kwargs) if takes_context else fn(**kwargs)
        per_partition = partition_column if len(partition_keys) > 1 else None
        yield from _checked_output(context, key, where, result, checks, per_partition, started)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return wrapper


def _require_inputs(
    where: str, inputs: Mapping[str, Any], input_checks: Mapping[str, tuple[FrameCheck, ...]]
) -> None:
    """Fail before any work when an upstream frame breaks its contract."""
    for name, checks in input_checks.items():
        frame = inputs.get(name)
        if isinstance(frame, pl.DataFrame | pl.LazyFrame):
            problems = _blocking_problems(evaluate_checks(frame, checks)[0])
            if problems:
                raise Failure(
                    description=f"{where}: input {name!r} breaks its upstream's contract, so "
                    f"nothing was computed or stored: {problems}. Fix the upstream asset "
                    "and materialize it again.",
                    allow_retries=False,
                )


def _checked_output(
    context: AssetExecutionContext,
    key: AssetKey,
    where: str,
    result: Any,
    checks: tuple[FrameCheck, ...],
    partition_column: str | None,
    started: float,
) -> Iterator[Any]:
    output = result if isinstance(result, Output) else Output(result)
    frame = output.value
    if not isinstance(frame, pl.DataFrame | pl.LazyFrame):
        context.log.info(f"{where}: returned {type(frame).__name__} in {_since(started)}")
        yield output
        return
    is_lazy = isinstance(frame, pl.LazyFrame)
    outcomes, stats = evaluate_checks(
        frame, checks, extra=[pl.len().alias("rows")] if is_lazy else []
    )
    schema = frame.collect_schema()
    row_count = int(stats["rows"]) if is_lazy else frame.height  # type: ignore[call-overload]
    preview = frame.head(PREVIEW_ROWS)
    metadata = frame_metadata(schema, row_count, preview.collect() if is_lazy else preview)
    for outcome in outcomes:
        yield AssetCheckResult(
            asset_key=key,
            check_name=outcome.check.name,
            passed=outcome.passed,
            severity=AssetCheckSeverity.ERROR
            if outcome.check.blocking
            else AssetCheckSeverity.WARN,
            description=outcome.problem,
            metadata={"violations": outcome.violations},
        )
    problems = _blocking_problems(outcomes)
    if problems:
        raise Failure(
            description=f"{where}: blocking check(s) failed, so the new version was not stored "
            f"and the last good one is kept: {problems}. Fix the data or the code that "
            "produces it, then materialize again.",
            metadata=metadata,
            allow_retries=False,
        )
    if partition_column is not None and partition_column in schema:
        # One run over several partitions: each partition's materialization gets its own count.
        del metadata["dagster/row_count"]
        counts = frame.group_by(partition_column).len()
        rows_by_key = dict((counts.collect() if is_lazy else counts).iter_rows())
        for partition_key in context.partition_keys:
            context.add_asset_metadata(
                {"dagster/row_count": MetadataValue.int(rows_by_key.get(partition_key, 0))},
                partition_key=partition_key,
            )
    context.log.info(
        f"{where}: {row_count} rows x {len(schema)} columns in {_since(started)}, "
        f"{len(outcomes)} check(s) passed"
    )
    yield output.with_metadata({**metadata, **output.metadata})


def _describe_inputs(inputs: Mapping[str, Any]) -> str:
    described = [
        f"{name} ({value.height} rows)" if isinstance(value, pl.DataFrame) else name
        for name, value in inputs.items()
        if isinstance(value, pl.DataFrame | pl.LazyFrame)
    ]
    return ", ".join(described) or "no upstream frames"


def _blocking_problems(outcomes: Sequence[CheckOutcome]) -> str:
    """The failed blocking checks and why, for an error message; empty when none failed."""
    return "; ".join(
        f"{o.check.name}: {o.problem}" for o in outcomes if not o.passed and o.check.blocking
    )


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.2f}s"
