"""The feature-DAG factory: features declared as specs, wired to upstreams at factory-call time.

A feature is a function whose parameters name its inputs: other features of the same call, or
upstream assets (of this location or another, a trained model included) that the caller binds
to those names. The same feature specs can so be built over different upstreams, e.g. over all
users and, partitioned, over one programme's users.
"""

import functools
import graphlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from dagster import AssetIn, AssetKey, AssetsDefinition, PartitionsDefinition

from shared_lib.assets.inputs import (
    AssetInput,
    ResolvedInput,
    resolve_input,
    shared_partition_column,
    shared_partitions,
)
from shared_lib.assets.standard_asset import standard_asset
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import FrameCheck

FeatureFn = Callable[..., pl.DataFrame | pl.LazyFrame]


@dataclass(frozen=True)
class FeatureSpec:
    """One feature: its name, the function computing it, and the checks its frame must pass.

    The function's parameters are its inputs; ``inputs`` maps a parameter to the name it refers
    to when the two differ. A leading ``context`` and a ``config`` parameter are passed as with
    ``@asset`` and are not inputs. The description defaults to the function's docstring.
    """

    name: str
    compute: FeatureFn
    inputs: Mapping[str, str] = field(default_factory=dict)
    checks: Sequence[FrameCheck] = ()
    description: str | None = None

    def references(self) -> dict[str, str]:
        """Each input parameter and the name (feature or upstream) it refers to."""
        parameters = list(inspect.signature(self.compute).parameters.values())
        if parameters and parameters[0].name == "context":
            parameters = parameters[1:]
        names = [
            p.name
            for p in parameters
            if p.name != "config" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY)
        ]
        return {name: self.inputs.get(name, name) for name in names}


def build_feature_assets(
    features: Sequence[FeatureSpec],
    *,
    upstreams: Mapping[str, AssetInput],
    key_prefix: str | Sequence[str] = "features",
    entity_key: str = "user_id",
    **asset_kwargs: Any,
) -> list[AssetsDefinition]:
    """Build every feature into an asset keyed ``[*key_prefix, name]``, in dependency order.

    ``upstreams`` binds the names features refer to (other than features of this call) to
    assets. ``asset_kwargs`` go to :func:`standard_asset` for every feature (``group_name``,
    ``automation_condition``, ``partitions_def``, ...). A feature with partitioned inputs
    follows their partitioning; when those inputs carry a partition column (a contract's, say),
    the feature function sees them without it and its output gets it back by ``entity_key``, so
    one run can compute many partitions and feature code never handles partitions. Rejected at
    call time, naming the asset: duplicate keys, inputs that name nothing, cycles, and inputs
    partitioned differently (or unlike an explicit ``partitions_def``).

    >>> import polars as pl
    >>> from dagster import AssetSpec
    >>> def tenure_years(users: pl.DataFrame) -> pl.DataFrame:
    ...     return users.select("user_id", tenure_years=pl.col("tenure_days") / 365.25)
    >>> [a.key.to_user_string() for a in build_feature_assets(
    ...     [FeatureSpec("tenure_years", tenure_years)], upstreams={"users": AssetSpec("users")})]
    ['features/tenure_years']
    """
    prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix)
    # Each upstream is resolved once, here; each feature once, when it is built.
    resolved: dict[str, ResolvedInput] = {
        name: resolve_input(value, asset=AssetKey([*prefix, "*"]).to_user_string(), parameter=name)
        for name, value in upstreams.items()
    }
    by_name = _index_features(features, prefix, resolved)
    order = _dependency_order(by_name, prefix, upstreams)
    built: dict[str, AssetsDefinition] = {}
    for name in order:
        spec = by_name[name]
        label = AssetKey([*prefix, name]).to_user_string()
        ins = {parameter: resolved[ref] for parameter, ref in spec.references().items()}
        kwargs = dict(asset_kwargs)
        compute = spec.compute
        if "partitions_def" in kwargs:
            _require_partitions(label, ins, kwargs["partitions_def"])
        column = kwargs.pop("partition_column", None) or shared_partition_column(list(ins.values()))
        if column is not None:
            partitioned = sorted(p for p, r in ins.items() if r.partitions_def is not None)
            compute = _carrying_partition_column(compute, column, entity_key, partitioned)
        built[name] = standard_asset(
            key=[*prefix, name],
            ins=ins,
            checks=spec.checks,
            description=spec.description or inspect.getdoc(spec.compute),
            partition_column=column,
            **kwargs,
        )(compute)
        resolved[name] = ResolvedInput(
            AssetIn(key=built[name].key),
            group_name=built[name].group_names_by_key[built[name].key],
            partitions_def=built[name].partitions_def,
            partition_column=column,
        )
    return [built[name] for name in order]


def _index_features(
    features: Sequence[FeatureSpec], prefix: list[str], upstreams: Mapping[str, ResolvedInput]
) -> dict[str, FeatureSpec]:
    by_name: dict[str, FeatureSpec] = {}
    upstream_keys = {upstream.asset_in.key: name for name, upstream in upstreams.items()}
    for spec in features:
        key = AssetKey([*prefix, spec.name])
        label = key.to_user_string()
        if spec.name in by_name:
            raise AssetDefinitionError(
                f"Feature asset {label} is declared twice; give each FeatureSpec a distinct name."
            )
        if spec.name in upstreams or key in upstream_keys:
            clash = spec.name if spec.name in upstreams else upstream_keys[key]
            raise AssetDefinitionError(
                f"Feature asset {label} clashes with upstream {clash!r}; rename the feature or "
                "bind the upstream under another name."
            )
        by_name[spec.name] = spec
    return by_name


def _dependency_order(
    by_name: Mapping[str, FeatureSpec], prefix: list[str], upstreams: Mapping[str, AssetInput]
) -> list[str]:
    graph: dict[str, set[str]] = {}
    for name, spec in by_name.items():
        graph[name] = set()
        for parameter, ref in spec.references().items():
            if ref in by_name:
                graph[name].add(ref)
            elif ref not in upstreams:
                raise AssetDefinitionError(
                    f"Feature asset {AssetKey([*prefix, name]).to_user_string()}: input "
                    f"{parameter!r} refers to {ref!r}, which is neither a feature of this call "
                    f"({sorted(by_name)}) nor a bound upstream ({sorted(upstreams)}). Add it to "
                    "upstreams= or fix the name."
                )
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = " -> ".join(AssetKey([*prefix, n]).to_user_string() for n in error.args[1])
        raise AssetDefinitionError(
            f"Feature assets form a cycle: {cycle}. A feature cannot depend on itself, directly or "
            "through other features; remove one of these inputs."
        ) from None


def _require_partitions(
    label: str, resolved: Mapping[str, ResolvedInput], explicit: PartitionsDefinition | None
) -> None:
    inherited = shared_partitions(list(resolved.values()), asset=label)
    if inherited is not None and explicit != inherited:
        raise AssetDefinitionError(
            f"Feature asset {label}: partitions_def={explicit} differs from its inputs' "
            f"partitioning ({inherited}). Drop partitions_def to follow the inputs."
        )


def _carrying_partition_column(
    compute: FeatureFn, column: str, entity_key: str, partitioned: Sequence[str]
) -> FeatureFn:
    """``compute`` with the partition column taken off its inputs and put back on its output."""

    @functools.wraps(compute)
    def with_partition_column(*args: Any, **inputs: Any) -> pl.DataFrame | pl.LazyFrame:
        keys: pl.DataFrame | None = None
        for parameter in partitioned:
            frame = inputs[parameter]
            if column in frame.collect_schema():
                if keys is None:
                    selected = frame.select(entity_key, column)
                    keys = selected.collect() if isinstance(selected, pl.LazyFrame) else selected
                inputs[parameter] = frame.drop(column)
        result = compute(*args, **inputs)
        if keys is None:
            return result
        if isinstance(result, pl.LazyFrame):
            return result.join(keys.lazy(), on=entity_key, how="left")
        return result.join(keys, on=entity_key, how="left")

    return with_partition_column
