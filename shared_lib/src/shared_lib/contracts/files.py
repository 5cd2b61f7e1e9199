"""Contract files: what each producing team publishes, as data the team owns.

One YAML file per producing team in ``contracts/`` at the repository root (``contracts/core.yaml``),
validated by the pydantic models below. shared_lib holds no team's contract: it reads these
files, and :mod:`shared_lib.contracts.published` turns each published asset into an
``AssetContract``.

.. code-block:: yaml

    team: core
    location: location_core           # the code location that materializes these assets
    owners: [team:core]               # Dagster owners, shown in the UI on producer and consumers
    codeowners: ["@acme/core"]        # who reviews changes to this file (CODEOWNERS)
    assets:
      - key: users
        version: 1.0.0                # a breaking change needs a new major version
        description: Every user.
        group: users
        freshness: {warn_after: 20h, fail_after: 26h}
        partitions: {static: [A, B], column: program}     # optional
        columns:
          user_id: {type: Int64, nullable: false}
          nickname: {type: String}                        # nullable unless it says otherwise
        checks: [{unique: user_id}]

The directory is ``$PLATFORM_CONTRACTS_DIR`` if set (every location image sets it), else the
repository's ``contracts/`` above the working directory, else above this package's own files: so
an installed wheel, an editable install and the image all find the same files
(:func:`contracts_dir`).
"""

import os
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from shared_lib.asset_keys import parse_asset_key
from shared_lib.frames.checks import PolarsType
from shared_lib.frames.yaml_checks import CheckDeclaration, parse_checks

CONTRACTS_DIR_ENV = "PLATFORM_CONTRACTS_DIR"
"""Where the contract files are; unset, the repository's ``contracts/`` (:func:`contracts_dir`)."""
CONTRACTS_DIR_NAME = "contracts"

COLUMN_TYPES: dict[str, PolarsType] = {
    name: getattr(pl, name)
    for name in (
        "Boolean", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
        "Float32", "Float64", "String", "Date", "Datetime", "Duration", "Time",
    )
}  # fmt: skip
"""The column types a contract can declare, by their Polars names."""

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_duration(value: Any) -> timedelta:
    """``"90s"``, ``"15m"``, ``"26h"`` or ``"7d"`` as a ``timedelta``.

    >>> parse_duration("26h")
    datetime.timedelta(days=1, seconds=7200)
    """
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration; write one like 90s, 15m, 26h or 7d")
    amount, unit = match.groups()
    return timedelta(**{_UNITS[unit]: int(amount)})


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnContract(_Strict):
    """One published column: its Polars type, and whether it may hold nulls."""

    type: str
    nullable: bool = True
    default: Any = None
    description: str | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {value!r}; the types are {sorted(COLUMN_TYPES)}")
        return value

    @property
    def dtype(self) -> PolarsType:
        return COLUMN_TYPES[self.type]


class PartitionsContract(_Strict):
    """Static partitions, and the column each partition's rows hold its key in."""

    static: list[str] = Field(min_length=1)
    column: str


class FreshnessContract(_Strict):
    """How stale consumers may find the asset: warn after one window, fail after the other."""

    fail_after: Duration
    warn_after: Duration | None = None


class PublishedAsset(_Strict):
    """One asset a team publishes: its interface and the promises every version keeps."""

    key: str
    version: str
    description: str
    group: str | None = None
    columns: dict[str, ColumnContract] = Field(min_length=1)
    partitions: PartitionsContract | None = None
    checks: list[CheckDeclaration] = Field(default_factory=list)
    freshness: FreshnessContract | None = None

    @field_validator("key")
    @classmethod
    def _asset_key(cls, value: str) -> str:
        parse_asset_key(value)
        return value

    @field_validator("version")
    @classmethod
    def _semantic_version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError(f"version {value!r} is not MAJOR.MINOR.PATCH, e.g. 1.0.0")
        return value

    @field_validator("checks")
    @classmethod
    def _checks_parse(cls, value: list[CheckDeclaration]) -> list[CheckDeclaration]:
        parse_checks(value)
        return value

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


class ContractFile(_Strict):
    """Everything one producing team publishes."""

    team: str
    location: str
    owners: list[str] = Field(min_length=1)
    codeowners: list[str] = Field(default_factory=list)
    assets: list[PublishedAsset] = Field(default_factory=list)


class ContractFileError(ValueError):
    """A contract file that does not parse or validate; the message names the file and field."""


def contracts_dir() -> Path:
    """The directory of contract files this process reads.

    ``$PLATFORM_CONTRACTS_DIR`` if set (every location image sets it); else ``contracts/`` of the
    repository (the nearest directory holding both ``contracts/`` and a ``pyproject.toml``) above
    the working directory, wherever shared_lib is installed from, then above this package (an
    editable install); else the error names the variable to set.
    """
    configured = os.environ.get(CONTRACTS_DIR_ENV)
    if configured:
        return Path(configured)
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for directory in (start, *start.parents):
            if (directory / CONTRACTS_DIR_NAME).is_dir() and (
                directory / "pyproject.toml"
            ).is_file():
                return directory / CONTRACTS_DIR_NAME
    raise ContractFileError(
        f"no repository with a {CONTRACTS_DIR_NAME}/ directory above {Path.cwd()} or "
        f"{Path(__file__).parent}: set {CONTRACTS_DIR_ENV} to the directory holding the teams' "
        "contract files (contracts/ in the repository)."
    )


def parse_contract_file(text: str, source: str) -> ContractFile:
    """A contract file's text, validated; ``ContractFileError`` names ``source`` and the field."""
    try:
        raw = yaml.safe_load(text)
        return ContractFile.model_validate(raw)
    except yaml.YAMLError as error:
        raise ContractFileError(f"{source}: not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(file)'}: {e['msg']}"
            for e in error.errors()
        )
        raise ContractFileError(f"{source}: {problems}") from None


def read_contract_files(directory: Path) -> dict[str, ContractFile]:
    """Every ``*.yaml`` in ``directory`` by file name; a key published twice is refused."""
    files = {
        path.name: parse_contract_file(path.read_text(), str(path))
        for path in sorted(directory.glob("*.yaml"))
    }
    reject_duplicate_keys(files)
    return files


def reject_duplicate_keys(files: Mapping[str, ContractFile]) -> None:
    seen: dict[str, str] = {}
    for name, contract_file in files.items():
        for asset in contract_file.assets:
            if asset.key in seen:
                raise ContractFileError(
                    f"contract for {asset.key} is published in both {seen[asset.key]} and "
                    f"{name}: an asset has one producing team; remove it from one file."
                )
            seen[asset.key] = name


@cache
def load_contract_files() -> dict[str, ContractFile]:
    """The contract files of :func:`contracts_dir`, read once per process."""
    directory = contracts_dir()
    if not directory.is_dir():
        raise ContractFileError(
            f"no contracts directory at {directory}: set {CONTRACTS_DIR_ENV} to the directory "
            "holding the teams' contract files (contracts/ in the repository)."
        )
    return read_contract_files(directory)


def columns_of(asset: PublishedAsset) -> dict[str, PolarsType]:
    return {name: column.dtype for name, column in asset.columns.items()}


def non_nullable(asset: PublishedAsset) -> Sequence[str]:
    return [name for name, column in asset.columns.items() if not column.nullable]
