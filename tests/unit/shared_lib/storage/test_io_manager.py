"""PolarsParquetIOManager: Parquet per asset or partition, atomic writes, lazy or eager reads."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest
from dagster import (
    AssetIn,
    DagsterInstance,
    StaticPartitionsDefinition,
    build_input_context,
    build_output_context,
    materialize,
)

from shared_lib import PARTITION_EXPR, PolarsParquetIOManager, default_io_manager, standard_asset
from shared_lib.storage.parquet_stores import write_atomically
from tests.support.runs import failure_message

PROGRAMS = StaticPartitionsDefinition(["A", "B"])
FRAME = pl.DataFrame({"user_id": [1, 2, 3], "spend": [1.5, 2.5, None]})


def test_round_trips_a_frame(io_manager: PolarsParquetIOManager, data_dir: Path) -> None:
    io_manager.handle_output(build_output_context(asset_key=["users", "all"]), FRAME)

    assert (data_dir / "users" / "all.parquet").exists()
    loaded = io_manager.load_input(build_input_context(asset_key=["users", "all"]))
    assert loaded.equals(FRAME)


def test_takes_its_directory_from_the_environment(data_dir: Path) -> None:
    result = materialize(
        [standard_asset(key="env")(lambda: FRAME)], resources={"io_manager": default_io_manager()}
    )

    assert result.success
    assert pl.read_parquet(data_dir / "env.parquet").equals(FRAME)


def test_stores_a_lazy_frame_and_loads_lazily_when_asked(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    seen: list[type] = []

    @standard_asset()
    def lazy_source() -> pl.LazyFrame:
        return FRAME.lazy().with_columns(double=pl.col("spend") * 2)

    @standard_asset(ins={"upstream": lazy_source})
    def lazy_reader(upstream: pl.LazyFrame) -> pl.LazyFrame:
        seen.append(type(upstream))
        return upstream.select("user_id")

    @standard_asset(ins={"upstream": lazy_source})
    def eager_reader(upstream: pl.DataFrame) -> pl.DataFrame:
        seen.append(type(upstream))
        return upstream

    result = materialize(
        [lazy_source, lazy_reader, eager_reader], resources={"io_manager": io_manager}
    )

    assert result.success
    assert sorted(t.__name__ for t in seen) == ["DataFrame", "LazyFrame"]
    assert pl.read_parquet(data_dir / "lazy_source.parquet")["double"].to_list() == [3.0, 5.0, None]


@standard_asset(key="by_program", partitions_def=PROGRAMS)
def by_program(context) -> pl.DataFrame:
    return pl.DataFrame({"program": [context.partition_key] * 2, "n": [1, 2]})


def test_writes_one_file_per_partition(io_manager: PolarsParquetIOManager, data_dir: Path) -> None:
    for key in ("A", "B"):
        materialize([by_program], partition_key=key, resources={"io_manager": io_manager})

    assert sorted(p.name for p in (data_dir / "by_program").iterdir()) == ["A.parquet", "B.parquet"]
    assert pl.read_parquet(data_dir / "by_program" / "B.parquet")["program"].to_list() == ["B", "B"]


def test_an_unpartitioned_reader_gets_every_partition(io_manager: PolarsParquetIOManager) -> None:
    instance = DagsterInstance.ephemeral()
    for key in ("A", "B"):
        materialize(
            [by_program], partition_key=key, resources={"io_manager": io_manager}, instance=instance
        )

    @standard_asset(ins={"rows": AssetIn(key="by_program")}, partitions_def=None)
    def all_programs(rows: pl.DataFrame) -> pl.DataFrame:
        return rows

    from dagster import AssetSpec

    result = materialize(
        [AssetSpec("by_program", partitions_def=PROGRAMS), all_programs],
        resources={"io_manager": io_manager},
        instance=instance,
        selection=[all_programs],
    )

    assert result.success
    loaded = result.output_for_node("all_programs")
    assert loaded["program"].to_list() == ["A", "A", "B", "B"]


def test_a_missing_partition_is_a_clear_error(io_manager: PolarsParquetIOManager) -> None:
    context = build_input_context(
        asset_key="by_program", partition_key="A", asset_partitions_def=PROGRAMS
    )

    with pytest.raises(
        FileNotFoundError, match=r"Asset by_program has no stored data at .*A.parquet"
    ):
        io_manager.load_input(context)


def test_partition_keys_that_are_not_file_names_are_encoded(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    odd = StaticPartitionsDefinition(["a/b|c"])
    context = build_output_context(asset_key="odd", partition_key="a/b|c", asset_partitions_def=odd)

    io_manager.handle_output(context, FRAME)

    assert [p.name for p in (data_dir / "odd").iterdir()] == ["a%2Fb%7Cc.parquet"]


@standard_asset(key="ranged", partitions_def=PROGRAMS, metadata={PARTITION_EXPR: "program"})
def ranged(context) -> pl.DataFrame:
    return pl.DataFrame({"program": ["A", "B", "B"], "n": [1, 2, 3]}).filter(
        pl.col("program").is_in(context.partition_keys)
    )


RANGE = {"dagster/asset_partition_range_start": "A", "dagster/asset_partition_range_end": "B"}


def test_one_run_over_many_partitions_splits_by_the_partition_column(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    result = materialize([ranged], resources={"io_manager": io_manager}, tags=RANGE)

    assert result.success
    assert pl.read_parquet(data_dir / "ranged" / "A.parquet")["n"].to_list() == [1]
    assert pl.read_parquet(data_dir / "ranged" / "B.parquet")["n"].to_list() == [2, 3]
    counts = {
        event.partition: event.step_materialization_data.materialization.metadata[
            "dagster/row_count"
        ].value
        for event in result.get_asset_materialization_events()
    }
    assert counts == {"A": 1, "B": 2}


def test_rows_outside_the_runs_partitions_store_nothing(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    @standard_asset(key="stray", partitions_def=PROGRAMS, metadata={PARTITION_EXPR: "program"})
    def stray() -> pl.DataFrame:
        return pl.DataFrame({"program": ["A", "Z"], "n": [1, 2]})

    result = materialize(
        [stray], resources={"io_manager": io_manager}, tags=RANGE, raise_on_error=False
    )

    assert not result.success
    message = failure_message(result)
    assert "rows with program in ['Z'] do not belong to the partitions of this run" in message
    assert not (data_dir / "stray").exists()


def test_many_partitions_without_a_partition_column_is_a_clear_error(
    io_manager: PolarsParquetIOManager,
) -> None:
    @standard_asset(key="unsplittable", partitions_def=PROGRAMS)
    def unsplittable(context) -> pl.DataFrame:
        return pl.DataFrame({"program": context.partition_keys})

    result = materialize(
        [unsplittable], resources={"io_manager": io_manager}, tags=RANGE, raise_on_error=False
    )

    message = failure_message(result)
    assert "does not say which column holds the partition key" in message


def test_refuses_to_store_something_that_is_not_a_frame(io_manager: PolarsParquetIOManager) -> None:
    with pytest.raises(TypeError, match="Asset numbers returned dict"):
        io_manager.handle_output(build_output_context(asset_key="numbers"), {"a": 1})


def test_a_write_that_fails_midway_keeps_the_last_good_file(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    io_manager.handle_output(
        build_output_context(asset_key="codes"), pl.DataFrame({"code": [1, 2]})
    )
    failing = pl.LazyFrame({"code": ["3", "four"]}).select(
        pl.col("code").cast(pl.Int64, strict=True)
    )

    with pytest.raises(pl.exceptions.PolarsError):
        io_manager.handle_output(build_output_context(asset_key="codes"), failing)

    assert pl.read_parquet(data_dir / "codes.parquet")["code"].to_list() == [1, 2]
    assert [p.name for p in data_dir.iterdir()] == ["codes.parquet"]


def test_failed_lazy_writes_never_leave_a_file_behind_even_under_cpu_load(tmp_path: Path) -> None:
    """polars' streaming sink can create its file after the error reached us (seen under load)."""
    target = tmp_path / "codes.parquet"
    pl.DataFrame({"code": [1, 2]}).write_parquet(target)
    failing = pl.LazyFrame({"code": ["3", "four"]}).select(pl.col("code").cast(pl.Int64))
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    try:
        for _ in range(200):
            with pytest.raises(pl.exceptions.PolarsError):
                write_atomically(target, failing.sink_parquet)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    time.sleep(0.5)  # give a late background writer the time it would need

    assert [p.name for p in tmp_path.iterdir()] == ["codes.parquet"]
    assert pl.read_parquet(target)["code"].to_list() == [1, 2]


def test_a_step_failing_midway_through_its_write_keeps_the_last_good_version(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    @standard_asset(key="codes")
    def good() -> pl.DataFrame:
        return pl.DataFrame({"code": [1, 2]})

    @standard_asset(key="codes")
    def breaks_while_written() -> pl.LazyFrame:
        return pl.LazyFrame({"code": ["3", "four"]}).select(pl.col("code").cast(pl.Int64))

    materialize([good], resources={"io_manager": io_manager})
    result = materialize(
        [breaks_while_written], resources={"io_manager": io_manager}, raise_on_error=False
    )

    assert not result.success
    assert pl.read_parquet(data_dir / "codes.parquet")["code"].to_list() == [1, 2]


def test_a_writer_killed_midway_leaves_the_last_good_file_in_place(tmp_path: Path) -> None:
    target = tmp_path / "users.parquet"
    FRAME.write_parquet(target)
    writer = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from shared_lib.storage.parquet_stores import write_atomically

        def slow_write(path):
            with open(path, "wb") as out:
                out.write(b"PAR1 half a file")
                out.flush()
                Path({str(tmp_path / "started")!r}).touch()
                time.sleep(60)

        write_atomically(Path({str(target)!r}), slow_write)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", writer])
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "started").exists():
            assert time.monotonic() < deadline, "the writer never started"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)

    assert pl.read_parquet(target).equals(FRAME)


def test_write_atomically_removes_its_temporary_files_on_failure(tmp_path: Path) -> None:
    def broken(path: Path) -> None:
        path.write_bytes(b"partial")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(tmp_path / "x.parquet", broken)

    assert list(tmp_path.iterdir()) == []
