"""Cross-location asset contracts: what one team promises about the assets others read.

A location never imports another location's code. The producing team publishes its assets in its
contract file (``contracts/<team>.yaml``, :mod:`shared_lib.contracts.files`) and implements each
one (``standard_asset(contract=contract("users"))``: key, group, partitions, owners, freshness
and checks come from the file, and a frame that breaks it is never stored). A consuming location
passes the contract as an input (``ins={"users": contract("users")}``): the upstream is then known
to its ``Definitions`` through the contract's ``AssetSpec``, and every frame it reads is checked
against the same schema. ``contract("users").reading("user_id", "segment")`` also records which
columns the consumer uses, so ``scripts/check-contracts`` can tell who a change really breaks.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from dagster import AssetKey, AssetSpec, FreshnessPolicy, StaticPartitionsDefinition

from shared_lib.asset_keys import parse_asset_key
from shared_lib.contracts.files import (
    ContractFile,
    PublishedAsset,
    columns_of,
    load_contract_files,
    non_nullable,
)
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import FrameCheck, PolarsType, has_columns, no_nulls, non_empty
from shared_lib.frames.metadata import table_schema
from shared_lib.frames.yaml_checks import parse_checks
from shared_lib.storage.partition_column import partition_column_metadata, partition_column_of

CONTRACT_VERSION = "platform/contract_version"
"""Asset metadata: the version of the contract a producer implements or a consumer reads."""

COLUMNS_READ = "platform/columns_read"
"""Asset metadata of a consumer: per upstream key, the contract columns it declares it reads."""


@dataclass(frozen=True)
class AssetContract:
    """An asset's published interface: its ``AssetSpec`` and the checks every version passes.

    >>> contract("users").key.to_user_string()
    'users'
    >>> [check.name for check in contract("users").checks][:2]
    ['non_empty', 'has_required_columns']
    """

    spec: AssetSpec
    checks: tuple[FrameCheck, ...] = ()
    columns: Mapping[str, PolarsType] = field(default_factory=dict)
    version: str | None = None
    producer: str | None = None
    """The code location that materializes the asset (``None``: not from a contract file)."""
    columns_read: tuple[str, ...] | None = None
    """The columns a consumer declared it reads (``reading``); ``None``: not declared."""
    optional: Mapping[str, object] = field(default_factory=dict)
    """Columns that versions stored before they were added may lack, with the value they mean
    there (``None`` for nullable columns, else the declared default)."""
    partition_column: str | None = None
    """The column holding each row's partition key, for a partitioned asset stored as one table."""

    @property
    def key(self) -> AssetKey:
        return self.spec.key

    def complete(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
        """``frame`` with every optional column it lacks (a version stored before it existed).

        This is what keeps adding a nullable or defaulted column from breaking consumers.
        """
        names = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
        missing = [name for name in self.optional if name not in names]
        if not missing:
            return frame
        return frame.with_columns(
            pl.lit(self.optional[name], dtype=self.columns[name]).alias(name) for name in missing
        )

    def reading(self, *columns: str) -> "AssetContract":
        """This contract as an input that reads only ``columns`` (checked to be published).

        >>> contract("users").reading("user_id", "segment").columns_read
        ('user_id', 'segment')
        """
        unknown = [column for column in columns if column not in self.columns]
        if unknown or not columns:
            raise AssetDefinitionError(
                f"Contract {self.key.to_user_string()}: reading({', '.join(map(repr, columns))}) "
                f"names {'no column' if not columns else f'unpublished columns {unknown}'}; its "
                f"columns are {list(self.columns)}."
            )
        return dataclasses.replace(self, columns_read=tuple(columns))


def define_contract(
    key: str | list[str],
    *,
    description: str,
    schema: Mapping[str, PolarsType],
    checks: tuple[FrameCheck, ...] = (),
    metadata: Mapping[str, object] | None = None,
    partition_column: str | None = None,
    **spec_kwargs: Any,
) -> AssetContract:
    """A contract whose spec documents ``schema`` and whose checks require it (and a row).

    For contracts inside one location (tests, prototypes); what a team publishes to other teams
    belongs in its contract file. ``partition_column`` names the column holding each row's
    partition key, for a partitioned asset (``partitions_def=``) stored as one table.
    """
    column = partition_column or partition_column_of(metadata or {})
    return AssetContract(
        spec=AssetSpec(
            key=key,
            description=description,
            metadata={
                "dagster/column_schema": table_schema(schema),
                **(metadata or {}),
                **(partition_column_metadata(column) if column else {}),
            },
            kinds={"polars"},
            **spec_kwargs,
        ),
        checks=(non_empty(), has_columns(schema), *checks),
        columns=dict(schema),
        partition_column=column,
    )


def contract_from_file(asset: PublishedAsset, published_by: ContractFile) -> AssetContract:
    """The ``AssetContract`` one entry of a contract file describes."""
    schema = columns_of(asset)
    metadata: dict[str, object] = {CONTRACT_VERSION: asset.version}
    spec_kwargs: dict[str, Any] = {"owners": list(published_by.owners)}
    if asset.group:
        spec_kwargs["group_name"] = asset.group
    if asset.partitions:
        spec_kwargs["partitions_def"] = StaticPartitionsDefinition(asset.partitions.static)
        spec_kwargs["partition_column"] = asset.partitions.column
    if asset.freshness:
        spec_kwargs["freshness_policy"] = FreshnessPolicy.time_window(
            fail_window=asset.freshness.fail_after, warn_window=asset.freshness.warn_after
        )
    required = non_nullable(asset)
    nulls = (
        (dataclasses.replace(no_nulls(*required), name="no_nulls_in_non_nullable_columns"),)
        if required
        else ()
    )
    defined = define_contract(
        list(parse_asset_key(asset.key).path),
        description=asset.description,
        schema=schema,
        checks=(*nulls, *parse_checks(asset.checks)),
        metadata=metadata,
        **spec_kwargs,
    )
    optional = {
        name: column.default
        for name, column in asset.columns.items()
        if column.nullable or column.default is not None
    }
    return dataclasses.replace(
        defined, version=asset.version, producer=published_by.location, optional=optional
    )


@cache
def published_contracts() -> dict[str, AssetContract]:
    """Every contract the teams' contract files publish, by asset key (``"users/special"``)."""
    return {
        asset.key: contract_from_file(asset, contract_file)
        for contract_file in load_contract_files().values()
        for asset in contract_file.assets
    }


def published_contract(key: str) -> AssetContract | None:
    """The contract published for the asset ``key`` (``"users/special"``), if there is one.

    >>> published_contract("users/special").spec.group_name
    'special'
    >>> published_contract("nobody/publishes") is None
    True
    """
    return published_contracts().get(key)


def contract(key: str) -> AssetContract:
    """The contract published for ``key``; an error names the published ones if there is none.

    >>> contract("users/special").spec.partitions_def.get_partition_keys()
    ['A', 'B']
    """
    found = published_contract(key)
    if found is None:
        raise AssetDefinitionError(
            f"No team publishes a contract for {key!r}; published: "
            f"{sorted(published_contracts())}. Fix the key, or ask the producing team to add "
            "it to its file in contracts/."
        )
    return found
