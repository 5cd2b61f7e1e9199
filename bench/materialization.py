"""Materialization overhead of standard_asset (logging, metadata, checks, preview) vs plain @asset.

Each pair does the same work (a join-based feature) on the same in-memory frame and hands it
to the same in-memory IO manager, so the difference is the decorator: once without checks, and
once against an @asset yielding the same three checks by hand. Reported: the step's own
duration (Dagster's STEP_SUCCESS duration) and the whole in-process run.
Run: .venv/bin/python -m bench.materialization [--repeats 7] [--sizes 1000,100000,1000000,10000000]
"""

import time

import dagster as dg
import numpy as np
import polars as pl

from bench.harness import command_line, interleaved, median, print_table
from shared_lib import has_columns, non_empty, standard_asset, values_between


def make_frame(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(0)
    return pl.DataFrame(
        {
            "user_id": np.arange(rows, dtype=np.int64),
            "p": rng.random(rows),
            "spend": rng.lognormal(3.0, 1.0, rows),
        }
    )


def contenders(frame: pl.DataFrame) -> dict[str, dg.AssetsDefinition]:
    """Pairs doing the same work: without checks, and with the same three checks."""
    profile = frame.select("user_id", annual_spend=pl.col("spend") * 12)

    def work() -> pl.DataFrame:
        # A typical feature: a join on the entity key and a derived column.
        return frame.join(profile, on="user_id").select(
            "user_id", "p", value_at_risk=pl.col("p") * pl.col("annual_spend")
        )

    checks = [non_empty(), has_columns({"p": pl.Float64}), values_between("p", 0.0, 1.0)]
    check_specs = [dg.AssetCheckSpec(c.name, asset="scored", blocking=True) for c in checks]

    def work_with_checks_by_hand():
        result = work()
        yield dg.Output(result, metadata={"dagster/row_count": result.height})
        yield dg.AssetCheckResult(check_name="non_empty", passed=result.height > 0)
        yield dg.AssetCheckResult(check_name="has_required_columns", passed="p" in result.columns)
        in_range = result.select(pl.col("p").is_between(0.0, 1.0).all()).item()
        yield dg.AssetCheckResult(check_name="p_in_range", passed=in_range)

    return {
        "@asset": dg.asset(name="scored", io_manager_key="mem")(work),
        "standard_asset": standard_asset(name="scored", io_manager_key="mem")(work),
        "@asset, 3 checks by hand": dg.asset(
            name="scored", io_manager_key="mem", check_specs=check_specs
        )(work_with_checks_by_hand),
        "standard_asset, 3 checks": standard_asset(
            name="scored", io_manager_key="mem", checks=checks
        )(work),
    }


BASELINES = {
    "@asset": "@asset",
    "standard_asset": "@asset",
    "@asset, 3 checks by hand": "@asset, 3 checks by hand",
    "standard_asset, 3 checks": "@asset, 3 checks by hand",
}


def measure(asset: dg.AssetsDefinition, instance: dg.DagsterInstance) -> dict[str, float]:
    started = time.perf_counter()
    result = dg.materialize([asset], resources={"mem": dg.InMemoryIOManager()}, instance=instance)
    run_seconds = time.perf_counter() - started
    step_ms = result.get_step_success_events()[0].event_specific_data.duration_ms
    return {"step_ms": step_ms, "run_s": run_seconds}


def main() -> None:
    args = command_line(repeats=7, sizes="1000,100000,1000000,10000000")
    rows = []
    with dg.DagsterInstance.ephemeral() as instance:
        for size in args.sizes:
            assets = contenders(make_frame(size))
            results = interleaved(
                {name: (lambda a=a: measure(a, instance)) for name, a in assets.items()},
                repeats=args.repeats,
            )
            for name, baseline in BASELINES.items():
                step, run = median(results[name], "step_ms"), median(results[name], "run_s")
                base_step = median(results[baseline], "step_ms")
                base_run = median(results[baseline], "run_s")
                rows.append([f"{size:,}", name, step, step / base_step, run, run / base_run])
    print_table(
        f"Materialization overhead, median of {args.repeats} after a warm-up",
        ["rows", "asset", "step ms", "step ratio vs its @asset", "run s", "run ratio"],
        rows,
    )


if __name__ == "__main__":
    main()
