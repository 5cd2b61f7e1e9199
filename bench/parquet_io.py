"""IO: write + read through the platform's IO manager vs raw polars (and dagster-polars).

Ours writes to a temporary file, fsyncs it and renames it (durable, never torn); raw polars
writes in place. The dagster-polars comparison runs in its own environment on polars 1.x (its
newest release cannot load on polars 2.x), against raw polars 1.x in that same environment.
Run: .venv/bin/python -m bench.parquet_io [--repeats 5] [--sizes 100000,1000000,10000000]
     [--no-dagster-polars]
"""

import argparse
import functools
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl

from bench.harness import command_line, in_subprocess, interleaved, median, print_table
from shared_lib import PolarsParquetIOManager

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = dg.StaticPartitionsDefinition(["a", "b", "c", "d"])
DAGSTER_POLARS_ENV = ROOT / ".cache" / "bench-dagster-polars"


def make_frame(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(0)
    return pl.DataFrame(
        {
            "user_id": np.arange(rows, dtype=np.int64),
            "segment": rng.choice(["consumer", "small_business", "enterprise"], rows),
            "spend": rng.lognormal(3.0, 1.0, rows),
            "p": rng.random(rows),
        }
    )


def timed(write: Callable[[], object], read: Callable[[], object]) -> dict[str, float]:
    started = time.perf_counter()
    write()
    written = time.perf_counter()
    read()
    return {"write_s": written - started, "read_s": time.perf_counter() - written}


def raw(frame: pl.DataFrame, directory: Path, *, partitioned: bool, lazy: bool) -> dict[str, float]:
    if not partitioned:
        path = directory / "raw.parquet"
        write = (
            (lambda: frame.lazy().sink_parquet(path))
            if lazy
            else (lambda: frame.write_parquet(path))
        )
        read = (
            (lambda: pl.scan_parquet(path).collect()) if lazy else (lambda: pl.read_parquet(path))
        )
        return timed(write, read)
    parts = frame.partition_by("segment", as_dict=False, maintain_order=False)
    paths = [directory / f"raw_{i}.parquet" for i in range(len(parts))]

    def write() -> None:
        for part, path in zip(parts, paths, strict=True):
            part.write_parquet(path)

    return timed(write, lambda: pl.scan_parquet(paths).collect())


def ours(
    frame: pl.DataFrame, directory: Path, *, partitioned: bool, lazy: bool
) -> dict[str, float]:
    """Through the IO manager. Contexts are built first: Dagster builds them in a run anyway."""
    manager = PolarsParquetIOManager(base_dir=str(directory))
    if not partitioned:
        value = frame.lazy() if lazy else frame
        output = dg.build_output_context(asset_key="ours")
        dagster_type = dg.PythonObjectDagsterType(pl.LazyFrame if lazy else pl.DataFrame)
        source = _input_context("ours", dagster_type)
        return timed(
            lambda: manager.handle_output(output, value),
            lambda: _collect(manager.load_input(source)),
        )
    return partitioned_round_trip(manager, frame)


def partitioned_round_trip(
    manager: PolarsParquetIOManager, frame: pl.DataFrame
) -> dict[str, float]:
    """Seconds for ``manager`` to write ``frame`` as one partition per segment and read all back."""
    parts = frame.partition_by("segment", as_dict=False, maintain_order=False)
    keys = PROGRAMS.get_partition_keys()[: len(parts)]
    outputs = [
        dg.build_output_context(
            asset_key="ours_parts", partition_key=key, asset_partitions_def=PROGRAMS
        )
        for key in keys
    ]
    source = dg.build_input_context(
        asset_key="ours_parts",
        asset_partitions_def=PROGRAMS,
        asset_partition_key_range=dg.PartitionKeyRange(keys[0], keys[-1]),
    )

    def write() -> None:
        for output, part in zip(outputs, parts, strict=True):
            manager.handle_output(output, part)

    return timed(write, lambda: manager.load_input(source))


def _input_context(key: str, dagster_type: dg.DagsterType) -> dg.InputContext:
    return dg.build_input_context(asset_key=key, dagster_type=dagster_type)


def _collect(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


DAGSTER_POLARS = """
import json, sys, tempfile, time
from pathlib import Path
import dagster as dg, numpy as np, polars as pl
from dagster_polars import PolarsParquetIOManager
rows, mode = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
frame = pl.DataFrame({"user_id": np.arange(rows), "segment": rng.choice(["a", "b", "c"], rows),
                      "spend": rng.lognormal(3.0, 1.0, rows), "p": rng.random(rows)})
directory = Path(tempfile.mkdtemp())
started = time.perf_counter()
if mode == "raw":
    frame.write_parquet(directory / "raw.parquet")
    written = time.perf_counter()
    pl.read_parquet(directory / "raw.parquet")
else:
    frame_type = dg.PythonObjectDagsterType(pl.DataFrame)
    manager = PolarsParquetIOManager(base_dir=str(directory))
    manager.setup_for_execution(dg.build_init_resource_context())
    output = dg.build_output_context(asset_key="dp", dagster_type=frame_type)
    source = dg.build_input_context(asset_key="dp", dagster_type=frame_type)
    started = time.perf_counter()
    manager.handle_output(output, frame)
    written = time.perf_counter()
    manager.load_input(source)
print(json.dumps({"write_s": written - started, "read_s": time.perf_counter() - written}))
"""


def dagster_polars_python() -> Path:
    """A separate environment with dagster-polars 0.27.12 on polars 1.x (made once, by uv)."""
    python = DAGSTER_POLARS_ENV / "bin" / "python"
    if not python.exists():
        uv = shutil.which("uv") or str(ROOT / ".cache" / "uv" / "bin" / "uv")
        subprocess.run(
            [uv, "venv", "--quiet", "--python", sys.executable, str(DAGSTER_POLARS_ENV)], check=True
        )
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", str(python),
             "dagster==1.13.27", "dagster-polars==0.27.12", "polars>=1.30,<2", "numpy"],
            check=True,
        )  # fmt: skip
    return python


KINDS = {"DataFrame": (False, False), "LazyFrame": (False, True), "4 partitions": (True, False)}


def compare_with_raw(size: int, repeats: int) -> list[list[object]]:
    frame = make_frame(size)
    rows: list[list[object]] = []
    for kind, (partitioned, lazy) in KINDS.items():
        directory = Path(tempfile.mkdtemp())
        options = {"partitioned": partitioned, "lazy": lazy}
        try:
            results = interleaved(
                {
                    "raw": functools.partial(raw, frame, directory, **options),
                    "ours": functools.partial(ours, frame, directory, **options),
                },
                repeats=repeats,
            )
        finally:
            shutil.rmtree(directory)
        raw_w, raw_r = median(results["raw"], "write_s"), median(results["raw"], "read_s")
        our_w, our_r = median(results["ours"], "write_s"), median(results["ours"], "read_s")
        ratio = (our_w + our_r) / (raw_w + raw_r)
        rows.append([f"{size:,}", kind, raw_w, our_w, raw_r, our_r, ratio])
    return rows


def compare_dagster_polars(size: int, repeats: int) -> list[object]:
    python = str(dagster_polars_python())
    results = interleaved(
        {
            mode: functools.partial(in_subprocess, DAGSTER_POLARS, str(size), mode, python=python)
            for mode in ("raw", "dp")
        },
        repeats=repeats,
    )
    raw_total = median(results["raw"], "write_s") + median(results["raw"], "read_s")
    dp_total = median(results["dp"], "write_s") + median(results["dp"], "read_s")
    return [f"{size:,}", raw_total, dp_total, dp_total / raw_total]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-dagster-polars", action="store_true")
    args = command_line(repeats=5, sizes="100000,1000000,10000000", parser=parser)
    sizes = args.sizes
    print_table(
        f"IO manager vs raw polars {pl.__version__} (write, read back), median of {args.repeats}",
        ["rows", "frame", "raw write s", "ours write s", "raw read s", "ours read s", "ratio"],
        [row for size in sizes for row in compare_with_raw(size, args.repeats)],
    )
    if not args.no_dagster_polars:
        print_table(
            "dagster-polars 0.27.12 vs raw polars 1.x in its own environment (write + read)",
            ["rows", "raw s", "dagster-polars s", "ratio"],
            [compare_dagster_polars(size, args.repeats) for size in sizes],
        )


if __name__ == "__main__":
    main()
