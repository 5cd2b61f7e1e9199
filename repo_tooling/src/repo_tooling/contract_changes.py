"""What changed between two versions of the teams' contract files, and what of it breaks consumers.

Breaking (a consumer's code or checks may fail): an asset no longer published (a changed key is
one), a column removed, retyped or made nullable, a non-nullable column added without a default,
the partitions changed, a check dropped. Not breaking: a nullable or defaulted column added, a
check added, descriptions, groups, owners, freshness. A breaking change needs a new major
version; any other change should bump the minor or patch version.

>>> from shared_lib.contracts.files import PublishedAsset
>>> before = PublishedAsset(key="t", version="1.0.0", description="d",
...                         columns={"a": {"type": "Int64"}, "b": {"type": "String"}})
>>> after = before.model_copy(update={"columns": {"a": before.columns["a"]}})
>>> [(c.summary, c.breaking) for c in compare_assets(before, after)]
[('column b (String) removed', True)]
"""

from collections.abc import Mapping
from dataclasses import dataclass

from shared_lib.contracts.files import ContractFile, PublishedAsset


@dataclass(frozen=True)
class Change:
    """One difference in a published asset's contract."""

    summary: str
    breaking: bool
    columns: tuple[str, ...] | None = ()
    """The columns it touches; ``None``: every column (keys, partitions, checks)."""


@dataclass(frozen=True)
class AssetChanges:
    """Every change to one published asset, between the base and the working tree."""

    key: str
    contract_file: str
    base_version: str
    head_version: str | None
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.breaking)

    @property
    def major_bumped(self) -> bool:
        if self.head_version is None:
            return False
        return _major(self.head_version) > _major(self.base_version)

    @property
    def refused(self) -> bool:
        """Breaking without a new major version (removing an asset is never allowed here)."""
        return bool(self.breaking) and not self.major_bumped

    def touched_columns(self) -> set[str] | None:
        """The columns the breaking changes touch; ``None``: all of them."""
        touched: set[str] = set()
        for change in self.breaking:
            if change.columns is None:
                return None
            touched |= set(change.columns)
        return touched


def _major(version: str) -> int:
    return int(version.split(".")[0])


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def compare_assets(base: PublishedAsset, head: PublishedAsset) -> list[Change]:
    """The changes from ``base`` to ``head`` of one asset's contract."""
    changes: list[Change] = []
    for name, column in base.columns.items():
        new = head.columns.get(name)
        if new is None:
            changes.append(Change(f"column {name} ({column.type}) removed", True, (name,)))
            continue
        if new.type != column.type:
            changes.append(
                Change(f"column {name} retyped {column.type} -> {new.type}", True, (name,))
            )
        if new.nullable and not column.nullable:
            changes.append(Change(f"column {name} made nullable", True, (name,)))
        elif column.nullable and not new.nullable:
            changes.append(Change(f"column {name} made non-nullable", False, (name,)))
    for name, column in head.columns.items():
        if name in base.columns:
            continue
        safe = column.nullable or column.default is not None
        kind = "nullable" if column.nullable else "defaulted" if safe else "non-nullable"
        changes.append(Change(f"{kind} column {name} ({column.type}) added", not safe, (name,)))
    if base.partitions != head.partitions:
        changes.append(
            Change(f"partitions changed: {_partitions(base)} -> {_partitions(head)}", True, None)
        )
    dropped = [check for check in base.checks if check not in head.checks]
    if dropped:
        changes.append(Change(f"checks dropped: {dropped}", True, None))
    added = [check for check in head.checks if check not in base.checks]
    if added:
        changes.append(Change(f"checks added: {added}", False))
    for field in ("description", "group", "freshness"):
        if getattr(base, field) != getattr(head, field):
            changes.append(Change(f"{field} changed", False))
    if _version_tuple(head.version) < _version_tuple(base.version):
        changes.append(Change(f"version went down: {base.version} -> {head.version}", True, None))
    return changes


def _partitions(asset: PublishedAsset) -> str:
    if asset.partitions is None:
        return "none"
    return f"{asset.partitions.static} by {asset.partitions.column}"


def compare_contract_files(
    base: Mapping[str, ContractFile], head: Mapping[str, ContractFile]
) -> list[AssetChanges]:
    """Every published asset of ``base`` that changed in ``head`` (new assets are not changes)."""
    head_assets = {
        asset.key: (name, asset) for name, contract in head.items() for asset in contract.assets
    }
    found = []
    for name, contract in base.items():
        for asset in contract.assets:
            if asset.key not in head_assets:
                gone = Change(
                    f"{asset.key} is no longer published (removed, or its key changed)",
                    True,
                    None,
                )
                found.append(AssetChanges(asset.key, name, asset.version, None, (gone,)))
                continue
            head_file, head_asset = head_assets[asset.key]
            changes = compare_assets(asset, head_asset)
            if changes or head_asset.version != asset.version:
                found.append(
                    AssetChanges(
                        asset.key, head_file, asset.version, head_asset.version, tuple(changes)
                    )
                )
    return found
