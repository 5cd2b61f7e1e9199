"""Where the IO manager's Parquet files live: a local directory, or S3-compatible object storage.

Both give the same guarantee: a reader sees the previous complete version or the new complete
version of an object, never a torn one, and a failed write leaves nothing behind.

* :class:`LocalParquetStore` writes into a private staging directory, fsyncs, and renames.
* :class:`ObjectParquetStore` uses Polars' own cloud IO (the Rust ``object_store`` crate): an
  object appears only when its upload completes (a single PUT, or a multipart upload that is
  completed last), so a killed step leaves the previous object. A ``LazyFrame`` is collected
  before the upload: Polars' streaming sink to object storage, when the query fails midway,
  *completes* the upload with the rows it had (seen on SeaweedFS: a 100 000-row object replaced
  by 1 row), so the platform never streams a query straight into the final object.

Credentials come from the standard AWS environment variables (``AWS_ACCESS_KEY_ID``, ...;
:func:`shared_lib.storage.settings.object_storage_options`), never from run config or metadata.
"""

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import quote
from uuid import uuid4

import polars as pl

from shared_lib.storage.settings import is_object_storage, object_storage_options

Frame = pl.DataFrame | pl.LazyFrame


class ParquetStore(Protocol):
    """One place Parquet files are kept, addressed by asset key path and partition key."""

    def location(self, key_path: Sequence[str], partition_key: str | None) -> str:
        """The file (or object) of an asset, or of one of its partitions."""
        ...

    def folder(self, key_path: Sequence[str]) -> str:
        """Where a partitioned asset's files are, for metadata."""
        ...

    def write(self, location: str, frame: Frame) -> None: ...

    def missing(self, locations: Sequence[str]) -> list[str]: ...

    def scan(self, locations: Sequence[str]) -> pl.LazyFrame: ...


def _relative(key_path: Sequence[str], partition_key: str | None) -> list[str]:
    parts = list(key_path)
    if partition_key is None:
        return [*parts[:-1], f"{parts[-1]}.parquet"]
    # Percent-encoding keeps any partition key (a date, a multi-partition's "a|b") a file name.
    return [*parts, f"{quote(partition_key, safe='')}.parquet"]


@dataclass(frozen=True)
class LocalParquetStore:
    """Files under a local directory (in compose: a volume shared by every location)."""

    base_dir: str

    def location(self, key_path: Sequence[str], partition_key: str | None) -> str:
        return str(Path(self.base_dir, *_relative(key_path, partition_key)))

    def folder(self, key_path: Sequence[str]) -> str:
        return str(Path(self.base_dir, *key_path))

    def write(self, location: str, frame: Frame) -> None:
        write_atomically(
            Path(location),
            frame.sink_parquet if isinstance(frame, pl.LazyFrame) else frame.write_parquet,
        )

    def missing(self, locations: Sequence[str]) -> list[str]:
        return [location for location in locations if not Path(location).exists()]

    def scan(self, locations: Sequence[str]) -> pl.LazyFrame:
        return pl.scan_parquet(list(locations))


@dataclass(frozen=True)
class ObjectParquetStore:
    """Objects under ``s3://bucket/prefix`` on S3 or any S3-compatible store."""

    url: str
    storage_options: dict[str, str] = field(default_factory=object_storage_options, repr=False)

    def location(self, key_path: Sequence[str], partition_key: str | None) -> str:
        return "/".join([self.url.rstrip("/"), *_relative(key_path, partition_key)])

    def folder(self, key_path: Sequence[str]) -> str:
        return "/".join([self.url.rstrip("/"), *key_path])

    def write(self, location: str, frame: Frame) -> None:
        complete = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
        complete.write_parquet(location, storage_options=self.storage_options)

    def missing(self, locations: Sequence[str]) -> list[str]:
        absent = []
        for location in locations:
            try:
                pl.scan_parquet(location, storage_options=self.storage_options).collect_schema()
            except FileNotFoundError:
                absent.append(location)
        return absent

    def scan(self, locations: Sequence[str]) -> pl.LazyFrame:
        return pl.scan_parquet(list(locations), storage_options=self.storage_options)


def parquet_store(base: str) -> ParquetStore:
    """The store for a base directory or an ``s3://bucket/prefix`` URL."""
    return ObjectParquetStore(base) if is_object_storage(base) else LocalParquetStore(base)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write via ``write`` into a private staging directory, fsync, rename over ``path``.

    Why a directory and not just a temporary file: polars' streaming ``sink_parquet`` opens its
    file in a background task, and when the query fails that task can still create the file
    *after* the error has reached us (seen under CPU load: ~7 % of failed writes left a stray
    file behind a plain ``unlink``). Once the staging directory is removed, such a late create
    fails (``sink_parquet`` does not make directories), so a failed write leaves nothing behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.{uuid4().hex}.tmp"
    staging.mkdir()
    try:
        temporary = staging / path.name
        write(temporary)
        with temporary.open("rb") as written:
            os.fsync(written.fileno())
        temporary.replace(path)
    finally:
        _remove_staging(staging)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove_staging(staging: Path, attempts: int = 100) -> None:
    """Remove ``staging`` even while a late writer is still creating its file in it."""
    for _ in range(attempts):
        try:
            shutil.rmtree(staging)
            return
        except FileNotFoundError:
            return
        except OSError:  # a file appeared between listing and rmdir: list again
            time.sleep(0.01)
    shutil.rmtree(staging)
