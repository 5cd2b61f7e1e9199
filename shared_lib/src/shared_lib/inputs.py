"""Upstreams given as objects: what ``standard_asset(ins=...)`` accepts, and what it learns."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from dagster import AssetIn, AssetKey, AssetsDefinition, AssetSpec, PartitionsDefinition

from shared_lib.checks import FrameCheck
from shared_lib.contracts import AssetContract
from shared_lib.errors import AssetDefinitionError
from shared_lib.storage import PARTITION_EXPR

AssetInput = AssetIn | AssetsDefinition | AssetSpec | AssetContract | AssetKey | str | Sequence[str]
"""Anything that names an upstream asset: a definition, a spec, a contract, a key or a key path."""


@dataclass(frozen=True)
class ResolvedInput:
    """An input as ``dagster.asset`` wants it, plus what the object told us about the upstream."""

    asset_in: AssetIn
    partitions_def: PartitionsDefinition | None = None
    checks: tuple[FrameCheck, ...] = ()
    partition_column: str | None = None
    columns_read: tuple[str, ...] | None = None
    contract: AssetContract | None = None


def resolve_input(value: AssetInput, *, asset: str, parameter: str) -> ResolvedInput:
    """Turn one ``ins`` value into an ``AssetIn``; ``asset`` and ``parameter`` name it in errors."""
    if isinstance(value, AssetIn):
        return ResolvedInput(value)
    if isinstance(value, AssetContract):
        return dataclasses.replace(
            _from_spec(value.spec, value.checks), columns_read=value.columns_read, contract=value
        )
    if isinstance(value, AssetSpec):
        return _from_spec(value)
    if isinstance(value, AssetsDefinition):
        if len(value.keys) != 1:
            raise AssetDefinitionError(
                f"Asset {asset}: input {parameter!r} is an AssetsDefinition with "
                f"{len(value.keys)} assets ({sorted(k.to_user_string() for k in value.keys)}); "
                "pass the one you mean, e.g. assets_def.get_asset_spec(key)."
            )
        return _from_spec(value.get_asset_spec())
    if isinstance(value, AssetKey):
        return ResolvedInput(AssetIn(key=value))
    if isinstance(value, str):
        return ResolvedInput(AssetIn(key=AssetKey.from_user_string(value)))
    if isinstance(value, Sequence) and value and all(isinstance(part, str) for part in value):
        return ResolvedInput(AssetIn(key=AssetKey([str(part) for part in value])))
    raise AssetDefinitionError(
        f"Asset {asset}: input {parameter!r} is {value!r} ({type(value).__name__}), which names no "
        "asset. Pass an AssetsDefinition, AssetSpec, AssetContract, AssetKey, AssetIn, a key "
        'string like "users/special" or a key path like ["users", "special"].'
    )


def _from_spec(spec: AssetSpec, checks: tuple[FrameCheck, ...] = ()) -> ResolvedInput:
    column = spec.metadata.get(PARTITION_EXPR)
    return ResolvedInput(
        AssetIn(key=spec.key), spec.partitions_def, checks, str(column) if column else None
    )


def shared_partitions(
    inputs: Sequence[ResolvedInput], *, asset: str
) -> PartitionsDefinition | None:
    """The one partitions definition the partitioned inputs share; ``None`` if none is partitioned.

    Unpartitioned inputs are read whole by every partition, so they do not constrain it.
    """
    partitioned = [i for i in inputs if i.partitions_def is not None]
    if not partitioned:
        return None
    first = partitioned[0]
    for other in partitioned[1:]:
        if other.partitions_def != first.partitions_def:
            raise AssetDefinitionError(
                f"Asset {asset}: its inputs {_label(first)} and {_label(other)} are partitioned "
                "differently "
                f"({first.partitions_def} vs {other.partitions_def}), so no partitioning can be "
                "inherited. Pass partitions_def= explicitly (None reads every partition of both), "
                "with an AssetIn partition_mapping for an input partitioned differently."
            )
    return first.partitions_def


def _label(resolved: ResolvedInput) -> str:
    key = resolved.asset_in.key
    return key.to_user_string() if key is not None else "an input"
