"""``standard_asset``: ``dagster.asset`` plus the platform's conventions, via ``functools.wraps``.

The user's function is left as it is. Dagster sees a wrapper of the same kind (plain, generator,
coroutine or async generator) that carries the function's name, docstring, signature and return
annotation (``functools.wraps`` sets ``__wrapped__``, which ``inspect.signature`` follows), so
inputs, config, resources, context and the output's type are inferred exactly as ``@asset``
infers them from the function, and calling the asset directly calls the function.

Only when Dagster runs the step (its ``AssetExecutionContext`` is current and its op is this
one) does the wrapper add the platform's work around the function (:mod:`shared_lib.assets.step`).

Deliberate differences from ``@asset``, all additive: ``ins`` takes more kinds of upstream;
partitions are inherited from partitioned inputs; ``kinds`` defaults to ``{"polars"}`` when the
function is annotated to return a Polars frame (and neither ``kinds`` nor ``compute_kind`` is
given); a frame the function produces gets metadata, logs and the ``checks``; with ``checks``,
a return annotation such as ``-> pl.DataFrame`` is accepted (``@asset`` rejects it beside
check outputs) and types the value, and a direct call returns a ``MaterializeResult``.

One known difference is not additive: ``dagster.with_source_code_references`` reads the file
of the function it is given, so for a ``standard_asset`` it names this module (with the line
of the user's function). The platform's own errors name the user's file
(:func:`shared_lib.policies.definition_guards.asset_source` unwraps the function).
"""

import functools
import inspect
import re
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, overload

import polars as pl
from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    DagsterInvariantViolationError,
    MetadataValue,
    asset,
)

from shared_lib.assets.inputs import AssetInput, resolve_input, shared_partitions
from shared_lib.assets.step import AssetStep
from shared_lib.contracts.published import COLUMNS_READ, AssetContract
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import FrameCheck
from shared_lib.storage.partition_column import partition_column_metadata, partition_column_of

ComputeFn = Callable[..., Any]


@overload
def standard_asset(compute_fn: ComputeFn) -> AssetsDefinition: ...


@overload
def standard_asset(
    compute_fn: None = None,
    *,
    ins: Mapping[str, AssetInput] | None = None,
    checks: Sequence[FrameCheck] = (),
    input_checks: Mapping[str, Sequence[FrameCheck]] | None = None,
    contract: AssetContract | None = None,
    partition_column: str | None = None,
    **asset_kwargs: Any,
) -> Callable[[ComputeFn], AssetsDefinition]: ...


def standard_asset(
    compute_fn: ComputeFn | None = None,
    *,
    ins: Mapping[str, AssetInput] | None = None,
    checks: Sequence[FrameCheck] = (),
    input_checks: Mapping[str, Sequence[FrameCheck]] | None = None,
    contract: AssetContract | None = None,
    partition_column: str | None = None,
    **asset_kwargs: Any,
) -> AssetsDefinition | Callable[[ComputeFn], AssetsDefinition]:
    """Define an asset the platform way: a drop-in for ``@asset`` that takes every keyword.

    Use it wherever ``@asset`` goes, bare or called, on a function that returns or yields
    anything ``@asset`` accepts (a value, ``Output``, ``MaterializeResult``, check results),
    sync or async. On top of ``@asset``:

    * ``ins`` values may be any :data:`AssetInput` (an ``AssetsDefinition``, ``AssetSpec``,
      :class:`AssetContract`, ``AssetKey``, key string or key path, or a ``ResolvedInput`` a
      factory or component resolved already, taken as it is), so a factory can choose
      upstreams when it is called. Frames read from a contract's asset are checked against it,
      and against ``input_checks[name]``, before the function runs.
    * Without ``partitions_def``, the asset inherits the one its partitioned inputs share.
    * A ``DataFrame``/``LazyFrame`` the function produces (returned, in an ``Output`` or a
      ``MaterializeResult(value=...)``, or yielded so) gets ``dagster/row_count``,
      ``dagster/column_schema`` and a preview, and is checked: each of ``checks`` (and the
      contract's) is an asset check; if a blocking one fails, the step fails before anything
      is stored.
    * ``contract`` makes this asset the producer of a published contract: key, group,
      partitions, partition column and description come from its spec unless given here.
    * ``partition_column`` names the column holding each row's partition key, so one run over
      several partitions is stored as one file per partition (the IO manager splits the frame
      by it). Factories pass their upstream's on; it is stored as Dagster's ``partition_expr``
      metadata (:mod:`shared_lib.storage.partition_column`), which an ``@asset`` may give too.

    Called directly (as in a unit test), it returns what the function returns, as ``@asset``
    does. With ``checks`` the asset has an output per check, as ``@asset(check_specs=...)``
    has, so a direct call returns what Dagster requires of such an asset: a
    ``MaterializeResult`` with the function's frame as ``value`` and the checks' results (a
    failed blocking check raises ``dagster.Failure``, as in a run).

    >>> import polars as pl
    >>> from shared_lib import non_empty
    >>> @standard_asset(group_name="demo")
    ... def numbers() -> pl.DataFrame:
    ...     '''Small numbers.'''
    ...     return pl.DataFrame({"n": [1, 2, 3]})
    >>> numbers.key.to_user_string(), numbers.descriptions_by_key[numbers.key]
    ('numbers', 'Small numbers.')
    >>> numbers().height
    3
    >>> @standard_asset(checks=[non_empty()])
    ... def checked_numbers() -> pl.DataFrame:
    ...     return pl.DataFrame({"n": [1, 2, 3]})
    >>> result = checked_numbers()
    >>> result.value.height, [(r.check_name, r.passed) for r in result.check_results]
    (3, [('non_empty', True)])
    """

    def decorate(fn: ComputeFn) -> AssetsDefinition:
        return _build_asset(
            fn,
            ins or {},
            tuple(checks),
            input_checks or {},
            contract,
            partition_column,
            dict(asset_kwargs),
        )

    return decorate(compute_fn) if compute_fn is not None else decorate


def _build_asset(
    fn: ComputeFn,
    ins: Mapping[str, AssetInput],
    checks: tuple[FrameCheck, ...],
    input_checks: Mapping[str, Sequence[FrameCheck]],
    contract: AssetContract | None,
    partition_column: str | None,
    asset_kwargs: dict[str, Any],
) -> AssetsDefinition:
    if contract is not None:
        asset_kwargs = {**_contract_kwargs(contract), **asset_kwargs}
        checks = (*contract.checks, *checks)
        partition_column = partition_column or contract.partition_column
    partition_column = partition_column or partition_column_of(asset_kwargs.get("metadata") or {})
    if partition_column:
        asset_kwargs["metadata"] = {
            **(asset_kwargs.get("metadata") or {}),
            **partition_column_metadata(partition_column),
        }
    key = _asset_key(fn, asset_kwargs)
    label = key.to_user_string()
    _reject_duplicate_check_names(label, checks)
    resolved = {
        name: resolve_input(value, asset=label, parameter=name) for name, value in ins.items()
    }
    if "partitions_def" not in asset_kwargs:
        inherited = shared_partitions(list(resolved.values()), asset=label)
        if inherited is not None:
            asset_kwargs["partitions_def"] = inherited
    if "kinds" not in asset_kwargs and "compute_kind" not in asset_kwargs and _returns_polars(fn):
        asset_kwargs["kinds"] = {"polars"}
    hide_return_annotation = False
    if checks:
        # Dagster rejects a single-output annotation (``-> pl.DataFrame``) on an asset with
        # check outputs; the platform's checks must not forbid it, so the annotation goes to
        # ``dagster_type`` instead, which Dagster resolves exactly as it resolves annotations.
        annotation = _return_annotation(fn)
        if not _fits_check_outputs(fn, annotation):
            hide_return_annotation = True
            asset_kwargs.setdefault("dagster_type", annotation)
        asset_kwargs["check_specs"] = [
            *(asset_kwargs.get("check_specs") or ()),
            *(
                AssetCheckSpec(
                    name=c.name, asset=key, description=c.description, blocking=c.blocking
                )
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

    def step(context: AssetExecutionContext | None) -> AssetStep:
        return AssetStep(
            label,
            context,
            checks,
            {name: c for name, c in checks_by_input.items() if c},
            partition_column,
            {name: r.contract for name, r in resolved.items() if r.contract is not None},
        )

    if resolved:
        asset_kwargs["ins"] = {name: r.asset_in for name, r in resolved.items()}
    columns_read = {
        r.asset_in.key.to_user_string(): list(r.columns_read)
        for r in resolved.values()
        if r.columns_read is not None and r.asset_in.key is not None
    }
    if columns_read:
        asset_kwargs["metadata"] = {
            **(asset_kwargs.get("metadata") or {}),
            COLUMNS_READ: MetadataValue.json(columns_read),
        }
    wrapper = _wrap(
        fn,
        step,
        has_platform_checks=bool(checks),
        hide_return_annotation=hide_return_annotation,
    )
    return asset(**asset_kwargs)(wrapper)


def _contract_kwargs(contract: AssetContract) -> dict[str, Any]:
    spec = contract.spec
    return {
        "key": spec.key,
        "group_name": spec.group_name,
        "partitions_def": spec.partitions_def,
        "description": spec.description,
        "metadata": dict(spec.metadata),
        "owners": list(spec.owners),
        "freshness_policy": spec.freshness_policy,
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
    step: Callable[[AssetExecutionContext | None], AssetStep],
    *,
    has_platform_checks: bool,
    hide_return_annotation: bool,
) -> ComputeFn:
    """A wrapper Dagster cannot tell from ``fn``, doing the platform's work in a run.

    ``running`` is ``None`` for a direct call of an asset without platform checks, so a unit
    test gets the function's own result. With platform checks the asset has an output per
    check (as ``@asset(check_specs=...)`` has), so a direct call gets the function's frame
    checked, in a ``MaterializeResult`` that carries the check results.
    """

    def running() -> AssetStep | None:
        try:
            context: AssetExecutionContext | None = AssetExecutionContext.get()
        except DagsterInvariantViolationError:
            context = None
        # Another asset's step may call this one directly: then it is a direct call too. Run
        # as a plain op (in a @job or @graph, not as an asset) it has no asset to report on.
        if context is not None and context.has_assets_def and _runs(context, wrapper):
            return step(context)
        return step(None) if has_platform_checks else None

    wrapper: ComputeFn
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            run = running()
            if run is not None:
                run.before(kwargs)
            async for event in fn(*args, **kwargs):
                if run is None:
                    yield event
                else:
                    for item in run.event(event):
                        yield item
            if run is not None:
                run.finish()

    elif inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            run = running()
            if run is None:
                return (yield from fn(*args, **kwargs))
            run.before(kwargs)
            for event in fn(*args, **kwargs):
                yield from run.event(event)
            run.finish()

    elif inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            run = running()
            if run is None:
                return await fn(*args, **kwargs)
            run.before(kwargs)
            return run.result(await fn(*args, **kwargs))

    else:

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            run = running()
            if run is None:
                return fn(*args, **kwargs)
            run.before(kwargs)
            return run.result(fn(*args, **kwargs))

    if hide_return_annotation:
        wrapper.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "return"}
        wrapper.__signature__ = inspect.signature(fn).replace(  # type: ignore[attr-defined]
            return_annotation=inspect.Signature.empty
        )
    return wrapper


def _runs(context: AssetExecutionContext, wrapper: ComputeFn) -> bool:
    """Whether the step ``context`` belongs to is the asset whose function is ``wrapper``."""
    return getattr(context.op_def.compute_fn, "decorated_fn", None) is wrapper


def _return_annotation(fn: ComputeFn) -> Any:
    """``fn``'s return annotation, resolved where it can be (``from __future__`` strings)."""
    try:
        return typing.get_type_hints(fn).get("return", inspect.Signature.empty)
    except Exception:  # an unresolvable forward reference: take the annotation as written
        return inspect.signature(fn).return_annotation


def _fits_check_outputs(fn: ComputeFn, annotation: Any) -> bool:
    """Whether Dagster reads ``annotation`` right on an asset that also has check outputs.

    It ignores a generator's annotation and reads a tuple per output; a bare result type
    (``-> MaterializeResult``) it reads as "no value", which would refuse a value it carries.
    """
    return (
        inspect.isgeneratorfunction(fn)
        or inspect.isasyncgenfunction(fn)
        or annotation is inspect.Signature.empty
        or typing.get_origin(annotation) is tuple
    )


POLARS_FRAMES = (pl.DataFrame, pl.LazyFrame)
POLARS_FRAME_NAME = re.compile(r"\b(pl|polars)\.(DataFrame|LazyFrame)\b")


def _returns_polars(fn: ComputeFn) -> bool:
    """Whether ``fn``'s return annotation names a Polars frame (also inside ``Output[...]``)."""
    pending = [_return_annotation(fn)]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            if POLARS_FRAME_NAME.search(current):
                return True
        elif current in POLARS_FRAMES:
            return True
        pending.extend(typing.get_args(current))
    return False
