"""IO on object storage: write + read through the platform's IO manager vs raw polars, same store.

Both talk to a real S3 API (a throwaway SeaweedFS started here, as the tests start it, or the
one PLATFORM_TEST_S3_URL names) with the same storage options. Ours collects a LazyFrame before
uploading (never a partial object: shared_lib.storage.parquet_stores), checks each input object
exists and splits partitions; raw polars writes and scans the same objects directly.
Run: .venv/bin/python -m bench.object_storage [--repeats 5] [--sizes 100000,1000000,10000000]
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl

from bench.harness import command_line, interleaved, median, print_table
from bench.parquet_io import PROGRAMS, make_frame, partitioned_round_trip, timed
from shared_lib import PolarsParquetIOManager
from shared_lib.storage.settings import object_storage_options
from tests.support.s3 import URL_ENV, S3Server, local_s3

BUCKET = "platform-bench"


@contextmanager
def s3_server() -> Iterator[S3Server]:
    if os.environ.get(URL_ENV):
        yield S3Server(os.environ[URL_ENV])
        return
    with tempfile.TemporaryDirectory() as directory, local_s3(Path(directory)) as server:
        yield server


def raw(frame: pl.DataFrame, base: str, *, partitioned: bool) -> dict[str, float]:
    options = object_storage_options()
    if not partitioned:
        url = f"{base}/raw.parquet"
        return timed(
            lambda: frame.write_parquet(url, storage_options=options),
            lambda: pl.scan_parquet(url, storage_options=options).collect(),
        )
    parts = frame.partition_by("segment", maintain_order=False)
    urls = [f"{base}/raw/{key}.parquet" for key in PROGRAMS.get_partition_keys()[: len(parts)]]

    def write() -> None:
        for url, part in zip(urls, parts, strict=True):
            part.write_parquet(url, storage_options=options)

    return timed(write, lambda: pl.scan_parquet(urls, storage_options=options).collect())


def ours(frame: pl.DataFrame, base: str, *, partitioned: bool) -> dict[str, float]:
    """Through the IO manager. Contexts are built first: Dagster builds them in a run anyway."""
    manager = PolarsParquetIOManager(base_dir=base)
    if not partitioned:
        output = dg.build_output_context(asset_key="ours")
        source = dg.build_input_context(asset_key="ours")
        return timed(
            lambda: manager.handle_output(output, frame), lambda: manager.load_input(source)
        )
    return partitioned_round_trip(manager, frame)


def main() -> None:
    args = command_line(repeats=5, sizes="100000,1000000,10000000")
    rows = []
    with s3_server() as server:
        os.environ.update(server.env)
        server.create_bucket(BUCKET)
        for size in args.sizes:
            frame = make_frame(size)
            for partitioned in (False, True):
                base = f"s3://{BUCKET}/{uuid.uuid4().hex}"
                results = interleaved(
                    {
                        "raw": lambda f=frame, b=base, p=partitioned: raw(f, b, partitioned=p),
                        "ours": lambda f=frame, b=base, p=partitioned: ours(f, b, partitioned=p),
                    },
                    repeats=args.repeats,
                )
                raw_total = median(results["raw"], "write_s") + median(results["raw"], "read_s")
                our_total = median(results["ours"], "write_s") + median(results["ours"], "read_s")
                rows.append(
                    [f"{size:,}", "3 partitions" if partitioned else "one object",
                     median(results["raw"], "write_s"), median(results["raw"], "read_s"),
                     median(results["ours"], "write_s"), median(results["ours"], "read_s"),
                     f"{our_total / raw_total:.2f}x"]
                )  # fmt: skip
    print_table(
        "Write + read on S3-compatible storage (SeaweedFS on this machine), medians in seconds",
        ["rows", "layout", "raw write", "raw read", "ours write", "ours read", "ours / raw"],
        rows,
    )


if __name__ == "__main__":
    main()
