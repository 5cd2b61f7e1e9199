"""The IO manager on both stores: a local directory and real S3-compatible object storage.

Every behaviour here holds on both (SeaweedFS serves the S3 API: tests/support/s3.py).
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dagster import (
    AssetIn,
    StaticPartitionsDefinition,
    build_input_context,
    build_output_context,
    materialize,
)

from shared_lib import PolarsParquetIOManager, standard_asset
from shared_lib.storage.parquet_stores import ObjectParquetStore, parquet_store
from tests.support.runs import materialized_metadata

PROGRAMS = StaticPartitionsDefinition(["A", "B"])
FRAME = pl.DataFrame({"user_id": [1, 2, 3], "spend": [1.5, 2.5, None]})


@pytest.fixture(params=["local", "s3"])
def base(request: pytest.FixtureRequest, data_dir: Path) -> str:
    """Where assets are stored: the test's data directory, or a fresh prefix on the S3 server."""
    if request.param == "local":
        return str(data_dir)
    return request.getfixturevalue("s3_data_url")


def stored(base: str, *key: str, partition: str | None = None) -> pl.DataFrame:
    store = parquet_store(base)
    return store.scan([store.location(list(key), partition)]).collect()


def test_round_trips_a_frame(base: str) -> None:
    manager = PolarsParquetIOManager(base_dir=base)

    manager.handle_output(build_output_context(asset_key=["users", "all"]), FRAME)

    assert stored(base, "users", "all").equals(FRAME)
    assert manager.load_input(build_input_context(asset_key=["users", "all"])).equals(FRAME)


def test_stores_a_lazy_frame_and_loads_lazily_when_asked(base: str) -> None:
    seen: list[type] = []

    @standard_asset
    def lazy_source() -> pl.LazyFrame:
        return FRAME.lazy().with_columns(double=pl.col("spend") * 2)

    @standard_asset(ins={"upstream": lazy_source})
    def lazy_reader(upstream: pl.LazyFrame) -> pl.LazyFrame:
        seen.append(type(upstream))
        return upstream.select("user_id")

    result = materialize(
        [lazy_source, lazy_reader], resources={"io_manager": PolarsParquetIOManager(base_dir=base)}
    )

    assert result.success
    assert seen == [pl.LazyFrame]
    assert stored(base, "lazy_source")["double"].to_list() == [3.0, 5.0, None]
    assert stored(base, "lazy_reader")["user_id"].to_list() == [1, 2, 3]


@standard_asset(key="by_program", partitions_def=PROGRAMS)
def by_program(context) -> pl.DataFrame:
    return pl.DataFrame({"program": [context.partition_key] * 2, "n": [1, 2]})


@standard_asset(ins={"parts": AssetIn("by_program")}, partitions_def=None)
def all_programs(parts: pl.DataFrame) -> pl.DataFrame:
    return parts


def test_one_object_per_partition_and_all_of_them_for_an_unpartitioned_reader(base: str) -> None:
    resources = {"io_manager": PolarsParquetIOManager(base_dir=base)}
    for program in ("B", "A"):
        materialize([by_program], partition_key=program, resources=resources)

    result = materialize([by_program.to_source_asset(), all_programs], resources=resources)

    assert stored(base, "by_program", partition="A")["program"].to_list() == ["A", "A"]
    assert stored(base, "by_program", partition="B")["program"].to_list() == ["B", "B"]
    assert stored(base, "all_programs")["program"].to_list() == ["A", "A", "B", "B"]
    assert materialized_metadata(result, "all_programs")["path"] == parquet_store(base).location(
        ["all_programs"], None
    )


def test_a_write_failing_midway_keeps_the_last_good_version_and_leaves_nothing(base: str) -> None:
    manager = PolarsParquetIOManager(base_dir=base)
    manager.handle_output(build_output_context(asset_key="codes"), pl.DataFrame({"code": [1, 2]}))
    failing = pl.LazyFrame({"code": ["3", "four"]}).select(pl.col("code").cast(pl.Int64))

    with pytest.raises(pl.exceptions.PolarsError):
        manager.handle_output(build_output_context(asset_key="codes"), failing)

    time.sleep(0.5)  # what a late background writer would need
    assert stored(base, "codes")["code"].to_list() == [1, 2]
    if not isinstance(parquet_store(base), ObjectParquetStore):
        assert [path.name for path in Path(base).iterdir()] == ["codes.parquet"]


KILLED_WRITER = """
import sys, polars as pl
from shared_lib.storage.parquet_stores import parquet_store
store = parquet_store(sys.argv[1])
big = pl.DataFrame({"n": pl.int_range(0, 10_000_000, eager=True)}).with_columns(
    text=pl.col("n").cast(pl.String))
print("writing", flush=True)
store.write(store.location(["victim"], None), big)
print("wrote", flush=True)
"""


def test_a_writer_killed_midway_leaves_the_last_good_version(base: str) -> None:
    store = parquet_store(base)
    store.write(store.location(["victim"], None), FRAME)
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(KILLED_WRITER), base],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )  # fmt: skip
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    time.sleep(0.3)  # inside the write: 10 M rows take seconds to encode and upload

    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)

    assert "wrote" not in writer.stdout.read(), "the write finished before the kill: test nothing"
    assert stored(base, "victim").equals(FRAME)


def test_credentials_never_reach_metadata_or_the_store_repr(s3_data_url: str) -> None:
    secret = os.environ["AWS_SECRET_ACCESS_KEY"]

    result = materialize(
        [standard_asset(key="secretive")(lambda: FRAME)],
        resources={"io_manager": PolarsParquetIOManager(base_dir=s3_data_url)},
    )

    metadata = materialized_metadata(result, "secretive")
    assert secret not in repr(metadata)
    assert metadata["path"].startswith(s3_data_url)
    assert secret not in repr(parquet_store(s3_data_url))


@pytest.mark.parametrize("lazy", [False, True], ids=["DataFrame", "LazyFrame"])
def test_reading_what_was_never_stored_names_it_and_the_fix(base: str, lazy: bool) -> None:
    manager = PolarsParquetIOManager(base_dir=base)
    wanted = dg.PythonObjectDagsterType(pl.LazyFrame if lazy else pl.DataFrame)

    with pytest.raises(
        FileNotFoundError, match=r"Asset never/stored has no stored data at"
    ) as raised:
        manager.load_input(build_input_context(asset_key=["never", "stored"], dagster_type=wanted))

    assert "materialize it (those partitions) first" in str(raised.value)
