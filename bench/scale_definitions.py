"""Two code locations of generated assets, for the deployment and scale benchmarks.

``BENCH_ASSETS`` assets in all: half in ``core`` (chains of ten from a root), half in
``features``, each feature reading one core asset across locations (through its AssetSpec) and
the previous feature of its chain, refreshed by declarative automation. Served by the location
images with ``bench/compose.scale.yml``.
"""

import os

import dagster as dg
import polars as pl

from bench.graphs import named_function
from shared_lib import standard_asset, with_platform_policies

N_ASSETS = int(os.environ.get("BENCH_ASSETS", "100"))
CHAIN = 10


def _root() -> pl.DataFrame:
    return pl.DataFrame({"n": [1]})


def _step(**upstreams: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(list(upstreams.values())).with_columns(n=pl.col("n") + 1).head(1)


def _core_assets(count: int) -> list[dg.AssetsDefinition]:
    assets: list[dg.AssetsDefinition] = []
    for index in range(count):
        name = f"core_{index}"
        if index % CHAIN == 0:
            assets.append(
                standard_asset(name=name, group_name="bench_core")(named_function(_root, name, []))
            )
        else:
            fn = named_function(_step, name, ["upstream"])
            assets.append(
                standard_asset(name=name, ins={"upstream": assets[-1]}, group_name="bench_core")(fn)
            )
    return assets


def _feature_assets(core: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition | dg.AssetSpec]:
    specs = [asset.get_asset_spec() for asset in core]
    features: list[dg.AssetsDefinition] = []
    for index, spec in enumerate(specs):
        name = f"feature_{index}"
        ins: dict[str, object] = {"core": dg.AssetSpec(spec.key)}
        if index % CHAIN:
            ins["previous"] = features[-1]
        fn = named_function(_step, name, list(ins))
        features.append(
            standard_asset(
                name=name,
                ins=ins,
                group_name="bench_features",
                automation_condition=dg.AutomationCondition.eager(),
            )(fn)
        )
    return [*(dg.AssetSpec(spec.key) for spec in specs), *features]


_core = _core_assets(N_ASSETS // 2)
core = with_platform_policies(dg.Definitions(assets=_core))
features = with_platform_policies(dg.Definitions(assets=_feature_assets(_core)))
