"""What the platform does around one asset step: input contracts, frame checks, metadata, logs.

:mod:`shared_lib.assets.standard_asset` calls this when Dagster runs the step, and when an asset
with platform checks is called directly (its check outputs need results then too). Whatever the
function produced (a frame returned, an ``Output``, a ``MaterializeResult(value=...)``, or one
of those yielded), a Polars frame in it is checked in one pass and described with Dagster's
standard metadata; anything else passes through untouched, exactly as ``@asset`` would see it.
"""

import time
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
)

from shared_lib.contracts.published import AssetContract
from shared_lib.frames.checks import CheckOutcome, FrameCheck, evaluate_checks
from shared_lib.frames.metadata import PREVIEW_ROWS, frame_metadata

Frame = pl.DataFrame | pl.LazyFrame


def frame_of(result: object) -> Frame | None:
    """The Polars frame ``result`` carries as the asset's value, if any."""
    value = result.value if isinstance(result, Output | MaterializeResult) else result
    return value if isinstance(value, pl.DataFrame | pl.LazyFrame) else None


class BlockingCheckError(Exception):
    """The frame failed a blocking check: report ``results``, then fail with ``failure``."""

    def __init__(self, results: list[AssetCheckResult], failure: Failure) -> None:
        super().__init__(failure.description)
        self.results = results
        self.failure = failure


@dataclass
class AssetStep:
    """One call of one asset's function: what to check, and the run to report through.

    ``context`` is ``None`` when the asset is called directly (a unit test): the frame is
    still checked, but nothing is logged and no per-partition metadata is recorded.
    """

    label: str
    context: AssetExecutionContext | None
    checks: tuple[FrameCheck, ...]
    input_checks: Mapping[str, tuple[FrameCheck, ...]]
    partition_column: str | None
    input_contracts: Mapping[str, AssetContract] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    frames_seen: int = 0

    @property
    def where(self) -> str:
        """The asset (and the partitions of this run), for logs and errors."""
        if self.context is None:
            return self.label
        label = self.context.asset_key.to_user_string()
        keys = self.partition_keys
        return f"{label} {keys}" if keys else label

    @property
    def partition_keys(self) -> list[str]:
        if self.context is None or not self.context.assets_def.partitions_def:
            return []
        return self.context.partition_keys

    def before(self, inputs: MutableMapping[str, Any]) -> None:
        """Fail before any work when an upstream frame breaks its contract; log the inputs.

        Only in a run: called directly, the inputs are what the caller (a unit test) chose. A
        contract's optional columns missing from a stored version are added first (in place).
        """
        for name, contract in self.input_contracts.items() if self.context is not None else ():
            frame = inputs.get(name)
            if isinstance(frame, pl.DataFrame | pl.LazyFrame):
                inputs[name] = contract.complete(frame)
        for name, checks in self.input_checks.items() if self.context is not None else ():
            frame = inputs.get(name)
            if isinstance(frame, pl.DataFrame | pl.LazyFrame):
                problems = blocking_problems(evaluate_checks(frame, checks)[0])
                if problems:
                    raise Failure(
                        description=f"{self.where}: input {name!r} breaks its upstream's "
                        f"contract, so nothing was computed or stored: {problems}. Fix the "
                        "upstream asset and materialize it again.",
                        allow_retries=False,
                    )
        frames = _describe_inputs(inputs)
        if frames:
            self._log(f"{self.where}: computing from {frames}")
        self.started = time.perf_counter()

    def result(self, result: Any) -> Any:
        """What a plain (or async) function's return value becomes."""
        frame = frame_of(result)
        if frame is None:
            self.finish()
            return result
        if self.context is None:
            try:
                return self._checked(frame, result)
            except BlockingCheckError as failed:
                raise failed.failure from None
        # A returned generator is iterated by Dagster like a generator function's events, so
        # check results can precede a failure while the function's annotation keeps its meaning.
        return self.event(result)

    def event(self, event: Any) -> Iterator[Any]:
        """What one value yielded (or returned, in a run) by the function becomes."""
        frame = frame_of(event)
        if frame is None:
            yield event
            return
        try:
            materialization = self._checked(frame, event)
        except BlockingCheckError as failed:
            yield from failed.results
            raise failed.failure from None
        yield materialization

    def finish(self) -> None:
        """After the function is done: checks that never saw a frame are a mistake, said so."""
        if self.checks and not self.frames_seen:
            raise Failure(
                description=f"{self.where}: the asset has checks "
                f"{[check.name for check in self.checks]}, which run on the Polars frame it "
                "produces, but it produced none. Return (or yield) a DataFrame or LazyFrame, "
                "as a value, in an Output or in MaterializeResult(value=...), or drop checks=.",
                allow_retries=False,
            )

    def _checked(self, frame: Frame, carrier: object) -> MaterializeResult:
        self.frames_seen += 1
        is_lazy = isinstance(frame, pl.LazyFrame)
        outcomes, stats = evaluate_checks(
            frame, self.checks, extra=[pl.len().alias("rows")] if is_lazy else []
        )
        schema = frame.collect_schema()
        row_count = int(str(stats["rows"])) if isinstance(frame, pl.LazyFrame) else frame.height
        preview = frame.head(PREVIEW_ROWS)
        metadata: dict[str, Any] = frame_metadata(
            schema, row_count, preview.collect() if isinstance(preview, pl.LazyFrame) else preview
        )
        results = [_check_result(outcome) for outcome in outcomes]
        problems = blocking_problems(outcomes)
        if problems:
            raise BlockingCheckError(
                results,
                Failure(
                    description=f"{self.where}: blocking check(s) failed, so the new version was "
                    f"not stored and the last good one is kept: {problems}. Fix the data or the "
                    "code that produces it, then materialize again.",
                    metadata=metadata,
                    allow_retries=False,
                ),
            )
        if self.partition_column is not None and self.partition_column in schema:
            # One run over several partitions: each partition's materialization gets its count.
            del metadata["dagster/row_count"]
            self._row_counts_per_partition(frame)
        self._log(
            f"{self.where}: {row_count} rows x {len(schema)} columns in {self._elapsed()}, "
            f"{len(outcomes)} check(s) passed"
        )
        # Check results ride on the materialization, so each is linked to the new version.
        return _materialization(carrier, frame, metadata, results)

    def _row_counts_per_partition(self, frame: Frame) -> None:
        if self.context is None:
            return
        counts = frame.group_by(self.partition_column).len()
        rows_by_key = dict(
            (counts.collect() if isinstance(counts, pl.LazyFrame) else counts).iter_rows()
        )
        for partition_key in self.context.partition_keys:
            self.context.add_asset_metadata(
                {"dagster/row_count": MetadataValue.int(rows_by_key.get(partition_key, 0))},
                partition_key=partition_key,
            )

    def _log(self, message: str) -> None:
        if self.context is not None:
            self.context.log.info(message)

    def _elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.2f}s"


def _materialization(
    carrier: object, frame: Frame, metadata: dict[str, Any], results: list[AssetCheckResult]
) -> MaterializeResult:
    """``carrier`` (a frame, ``Output`` or ``MaterializeResult``) with the platform's additions.

    The function's own metadata wins over the platform's on a shared key, and its own check
    results, data version and tags are kept.
    """
    if isinstance(carrier, MaterializeResult):
        return MaterializeResult(
            asset_key=carrier.asset_key,
            metadata={**metadata, **(carrier.metadata or {})},
            check_results=[*results, *carrier.check_results],
            data_version=carrier.data_version,
            tags=carrier.tags,
            value=frame,
        )
    if isinstance(carrier, Output):
        return MaterializeResult(
            metadata={**metadata, **carrier.metadata},
            check_results=results,
            data_version=carrier.data_version,
            tags=carrier.tags,
            value=frame,
        )
    return MaterializeResult(metadata=metadata, check_results=results, value=frame)


def _check_result(outcome: CheckOutcome) -> AssetCheckResult:
    return AssetCheckResult(
        check_name=outcome.check.name,
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.check.blocking else AssetCheckSeverity.WARN,
        description=outcome.problem,
        metadata={"violations": outcome.violations},
    )


def blocking_problems(outcomes: Sequence[CheckOutcome]) -> str:
    """The failed blocking checks and why, for an error message; empty when none failed."""
    return "; ".join(
        f"{o.check.name}: {o.problem}" for o in outcomes if not o.passed and o.check.blocking
    )


def _describe_inputs(inputs: Mapping[str, Any]) -> str:
    described = [
        f"{name} ({value.height} rows)" if isinstance(value, pl.DataFrame) else name
        for name, value in inputs.items()
        if isinstance(value, pl.DataFrame | pl.LazyFrame)
    ]
    return ", ".join(described)
