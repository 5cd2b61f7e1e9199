"""The Polars IO manager every location uses: one Parquet file per asset (or partition).

Why our own and not dagster-polars: dagster-polars 0.27.12, the newest, cannot load anything on
polars 2.x (it passes the removed ``rechunk`` argument to ``scan_parquet``), and it writes in
place, so a step killed mid-write leaves a truncated file where the last good one was. This
module is small and partition-aware; :mod:`shared_lib.storage.parquet_stores` keeps the files, on
a local directory or on object storage, and writes atomically.
"""

from collections.abc import Sequence

import polars as pl
from dagster import (
    ConfigurableIOManager,
    DagsterInvariantViolationError,
    EnvVar,
    InputContext,
    MetadataValue,
    OutputContext,
)
from pydantic import Field

from shared_lib.storage.parquet_stores import ParquetStore, parquet_store
from shared_lib.storage.partition_column import PARTITION_EXPR, partition_column_of
from shared_lib.storage.settings import DATA_DIR_ENV

Frame = pl.DataFrame | pl.LazyFrame


class PolarsParquetIOManager(ConfigurableIOManager):
    """Stores ``DataFrame``/``LazyFrame`` outputs as Parquet under ``base_dir``.

    Layout: ``<base_dir>/<key path>.parquet`` for an unpartitioned asset and
    ``<base_dir>/<key path>/<partition key>.parquet`` for each partition. Every write goes to a
    hidden staging directory beside it; the file is fsynced and then renamed over the
    target, so a reader sees either the previous complete file or the new complete file.

    Inputs are loaded as ``LazyFrame`` when the parameter is annotated ``pl.LazyFrame`` and as
    ``DataFrame`` otherwise. An input spanning several partitions (an unpartitioned asset reading
    a partitioned one, or a run over a partition range) gets all of them, concatenated in key
    order. A run over several partitions stores them from one frame when the asset
    declares its partition column (``standard_asset(partition_column=...)``, or its
    ``partition_expr`` metadata: :mod:`shared_lib.storage.partition_column`); every partition
    key must then be the column's value in its rows.

    >>> import tempfile
    >>> from dagster import build_input_context, build_output_context
    >>> manager = PolarsParquetIOManager(base_dir=tempfile.mkdtemp())
    >>> manager.handle_output(build_output_context(asset_key="users"), pl.DataFrame({"id": [1]}))
    >>> manager.load_input(build_input_context(asset_key="users")).height
    1
    """

    base_dir: str = Field(
        description="Directory, or s3://bucket/prefix URL, under which every asset is stored."
    )

    def handle_output(self, context: OutputContext, obj: Frame) -> None:
        label = context.asset_key.to_user_string()
        if not isinstance(obj, pl.DataFrame | pl.LazyFrame):
            raise TypeError(
                f"Asset {label} returned {type(obj).__name__}; PolarsParquetIOManager stores only "
                "polars DataFrame or LazyFrame outputs. Return a frame, or give the asset another "
                "io_manager_key."
            )
        store = parquet_store(self.base_dir)
        key_path = context.asset_key.path
        keys = sorted(context.asset_partition_keys) if context.has_asset_partitions else []
        column = partition_column_of(context.definition_metadata)
        if len(keys) <= 1 and (column is None or not keys):
            where = store.location(key_path, keys[0] if keys else None)
            store.write(where, obj)
        else:
            slices = split_by_partition(label, obj, column, keys)
            for key, part in slices.items():
                store.write(store.location(key_path, key), part)
            where = store.folder(key_path)
        context.add_output_metadata({"path": MetadataValue.path(where)})

    def load_input(self, context: InputContext) -> Frame:
        key = context.asset_key
        store = parquet_store(self.base_dir)
        partition_keys: Sequence[str | None] = (
            sorted(context.asset_partition_keys) if context.has_asset_partitions else [None]
        )
        locations = [store.location(key.path, partition_key) for partition_key in partition_keys]
        frame = store.scan(locations)
        if _wants_lazy(context):
            self._require_stored(store, key.to_user_string(), locations)
            return frame
        try:
            return frame.collect()
        except FileNotFoundError:  # said once, with every missing object and the fix
            self._require_stored(store, key.to_user_string(), locations)
            raise

    def _require_stored(self, store: ParquetStore, label: str, locations: list[str]) -> None:
        missing = store.missing(locations)
        if missing:
            raise FileNotFoundError(
                f"Asset {label} has no stored data at {missing}: materialize it "
                "(those partitions) first, and check that this code location and the one that "
                f"wrote it share {DATA_DIR_ENV}={self.base_dir}."
            )


def _wants_lazy(context: InputContext) -> bool:
    """Whether the input is annotated ``pl.LazyFrame`` (a hand-built context may have no type)."""
    try:
        return context.dagster_type.typing_type is pl.LazyFrame
    except DagsterInvariantViolationError:
        return False


def split_by_partition(
    label: str, frame: Frame, column: str | None, keys: Sequence[str]
) -> dict[str, pl.DataFrame]:
    """One slice per partition key, by the value of ``column``; every row must belong to a key.

    Nothing is written until the whole frame is known to fit, so a bad frame leaves every
    partition's last good file in place.
    """
    if column is None:
        raise ValueError(
            f"Asset {label}: a run over partitions {sorted(keys)} returned one frame, and the "
            "asset does not say which column holds the partition key. Pass "
            "partition_column='<column>' to standard_asset (or give an @asset "
            f"metadata={{'{PARTITION_EXPR}': '<column>'}}); contracts and factories carry it over "
            "from the upstream."
        )
    collected = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    if column not in collected.columns:
        raise ValueError(
            f"Asset {label}: its partition column {column!r} (metadata {PARTITION_EXPR}) is not in "
            f"the frame, which has {collected.columns}; keep that column in the output."
        )
    stray = sorted(set(collected[column].unique().to_list()) - set(keys), key=str)
    if stray:
        raise ValueError(
            f"Asset {label}: rows with {column} in {stray} do not belong to the partitions of this "
            f"run ({sorted(keys)}); nothing was stored. Filter the frame to the run's partitions."
        )
    return {str(key): collected.filter(pl.col(column) == key) for key in keys}


def default_io_manager() -> PolarsParquetIOManager:
    """The IO manager every location binds to ``io_manager``; its directory comes from the env."""
    return PolarsParquetIOManager(base_dir=EnvVar(DATA_DIR_ENV))
