"""Upstreams given as objects: what ``standard_asset(ins=...)`` accepts, resolved once.

Whatever names an upstream (a definition, a spec, a contract, a key) is turned into one
:class:`ResolvedInput` by :func:`resolve_input`, once: a component's resolver returns it, a
factory passes it on, and the decorator takes it as it is (a ``ResolvedInput`` resolves to
itself). Its partition column is a typed field the decorator hands to the IO manager.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dagster import AssetIn, AssetKey, AssetsDefinition, AssetSpec, PartitionsDefinition

from shared_lib.contracts.published import AssetContract
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import FrameCheck, PolarsType
from shared_lib.storage.partition_column import partition_column_of


@dataclass(frozen=True)
class ResolvedInput:
    """An upstream asset as every layer below needs it: looked up once, then passed on.

    ``asset_in`` is what ``dagster.asset`` gets; the rest is what the object told us about the
    upstream: its group and partitioning (a factory's defaults), the column holding its partition
    key, the checks every frame read from it must pass, and the contract it was read through.

    >>> from shared_lib import contract
    >>> users = resolve_input(contract("users"), asset="example", parameter="users")
    >>> users.key.to_user_string(), users.group_name, users.contract is not None
    ('users', 'users', True)
    >>> resolve_input(users, asset="example", parameter="users") is users
    True
    """

    asset_in: AssetIn
    group_name: str | None = None
    partitions_def: PartitionsDefinition | None = None
    partition_column: str | None = None
    checks: tuple[FrameCheck, ...] = ()
    columns_read: tuple[str, ...] | None = None
    """The columns a consumer declared it reads (``AssetContract.reading``); ``None``: not said."""
    contract: AssetContract | None = None

    @property
    def key(self) -> AssetKey:
        key = self.asset_in.key
        if key is None:  # an AssetIn without a key means "the parameter's name": none here
            raise AssetDefinitionError(f"{self.asset_in!r} names no asset key; give AssetIn(key=)")
        return key

    @property
    def columns(self) -> Mapping[str, PolarsType] | None:
        """The upstream's columns when a contract publishes them; ``None``: not known."""
        return self.contract.columns if self.contract is not None else None

    def reading(self, columns: Sequence[str]) -> "ResolvedInput":
        """This input, declaring that its reader uses only ``columns``."""
        return dataclasses.replace(self, columns_read=tuple(columns))


AssetInput = (
    ResolvedInput
    | AssetIn
    | AssetsDefinition
    | AssetSpec
    | AssetContract
    | AssetKey
    | str
    | Sequence[str]
)
"""Anything that names an upstream asset: a definition, a spec, a contract, a key or a key path."""


def resolve_input(value: AssetInput, *, asset: str, parameter: str) -> ResolvedInput:
    """Turn one ``ins`` value into a :class:`ResolvedInput`; ``asset`` and ``parameter`` name it
    in errors. A ``ResolvedInput`` is returned as it is: nothing is looked up twice."""
    if isinstance(value, ResolvedInput):
        return value
    if isinstance(value, AssetIn):
        return ResolvedInput(value)
    if isinstance(value, AssetContract):
        return ResolvedInput(
            AssetIn(key=value.key),
            group_name=value.spec.group_name,
            partitions_def=value.spec.partitions_def,
            partition_column=value.partition_column,
            checks=value.checks,
            columns_read=value.columns_read,
            contract=value,
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


def _from_spec(spec: AssetSpec) -> ResolvedInput:
    """A spec of an asset defined elsewhere: its partition column is in its metadata."""
    return ResolvedInput(
        AssetIn(key=spec.key),
        group_name=spec.group_name,
        partitions_def=spec.partitions_def,
        partition_column=partition_column_of(spec.metadata),
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


def shared_partition_column(inputs: Sequence[ResolvedInput]) -> str | None:
    """The partition column of the first partitioned input that has one (what a derived table
    that keeps its inputs' rows carries over); ``None`` if none has one."""
    return next(
        (i.partition_column for i in inputs if i.partitions_def is not None and i.partition_column),
        None,
    )


def _label(resolved: ResolvedInput) -> str:
    key = resolved.asset_in.key
    return key.to_user_string() if key is not None else "an input"
