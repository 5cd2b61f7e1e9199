"""The same generated asset graph built two ways: with the platform, and with plain ``@asset``.

Shape: blocks of a hundred assets, each ten chains of ten; the first asset of an unpartitioned
chain is a fan-in of the ends of earlier chains of its block. Half of the chains are partitioned
(four static partitions), as a real location would mix them. Blocks keep the graph's depth
bounded, as in real locations (Dagster recurses along dependency paths).
"""

from collections.abc import Callable

import dagster as dg
import polars as pl

CHAIN = 10
BLOCK = 100
PARTITIONS = dg.StaticPartitionsDefinition(["a", "b", "c", "d"])


def identity(upstream: pl.DataFrame) -> pl.DataFrame:
    return upstream


def fan_in(**upstreams: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(list(upstreams.values()))


def source() -> pl.DataFrame:
    return pl.DataFrame({"n": [1]})


def build(n_assets: int, flavor: str) -> list[dg.AssetsDefinition]:
    """``n_assets`` assets; ``flavor`` is "platform" (standard_asset) or "plain" (@asset)."""
    if flavor == "platform":
        from shared_lib import standard_asset as decorate  # imported only when measured
    else:
        decorate = _plain
    assets: list[dg.AssetsDefinition] = []
    chain_ends: list[dg.AssetsDefinition] = []
    for index in range(n_assets):
        chain, position = divmod(index, CHAIN)
        if index % BLOCK == 0:
            chain_ends = []
        partitions = PARTITIONS if chain % 2 else None
        name = f"asset_{index}"
        if position == 0 and chain_ends[-3:] and partitions is None:
            ends = chain_ends[-3:]
            ins = {f"in_{i}": _ins(end, flavor) for i, end in enumerate(ends)}
            fn = named_function(fan_in, name, list(ins))
            asset = decorate(name=name, ins=ins, partitions_def=None, group_name=f"g{chain % 20}")(
                fn
            )
        elif position == 0:
            asset = decorate(name=name, partitions_def=partitions, group_name=f"g{chain % 20}")(
                named_function(source, name, [])
            )
        else:
            ins = {"upstream": _ins(assets[-1], flavor)}
            asset = decorate(
                name=name, ins=ins, partitions_def=partitions, group_name=f"g{chain % 20}"
            )(named_function(identity, name, ["upstream"]))
        assets.append(asset)
        if position == CHAIN - 1:
            chain_ends.append(asset)
    return assets


def _plain(**kwargs: object) -> Callable[[Callable], dg.AssetsDefinition]:
    return dg.asset(**kwargs)


def _ins(upstream: dg.AssetsDefinition, flavor: str) -> object:
    # The platform takes the upstream object itself; plain Dagster needs an AssetIn.
    return upstream if flavor == "platform" else dg.AssetIn(key=upstream.key)


def named_function(fn: Callable, name: str, parameters: list[str]) -> Callable:
    """A fresh function per asset with explicit parameters, as hand-written assets would have."""
    params = ", ".join(parameters)
    namespace: dict[str, object] = {"pl": pl, "impl": fn}
    call = ", ".join(f"{p}={p}" for p in parameters)
    exec(f"def {name}({params}) -> pl.DataFrame:\n    return impl({call})\n", namespace)
    return namespace[name]  # type: ignore[return-value]
