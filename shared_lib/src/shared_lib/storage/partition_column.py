"""How a stored table names its partition column, where Dagster hands definitions to the IO manager.

Between the platform's own layers the partition column is a typed value
(``ResolvedInput.partition_column``, ``AssetContract.partition_column``,
``standard_asset(partition_column=...)``). The IO manager, though, sees an asset only through
the ``OutputContext`` Dagster builds in the run worker, so there it travels as the asset's
``partition_expr`` metadata (Dagster's convention for storage that keeps several partitions of
one table): written by the decorator, read by the IO manager and by ``resolve_input`` for a spec
of another team, all through the two functions below.

With it, one run can materialize many partitions of an asset: the frame is split into one file
per partition by that column.

>>> metadata = partition_column_metadata("program")
>>> metadata
{'partition_expr': 'program'}
>>> partition_column_of(metadata), partition_column_of({})
('program', None)
"""

from collections.abc import Mapping
from typing import Any, Final

PARTITION_EXPR: Final = "partition_expr"
"""The asset metadata key naming the column that holds each row's partition key."""


def partition_column_metadata(column: str) -> dict[str, str]:
    """The metadata that tells the IO manager (and the UI) an asset's partition column."""
    return {PARTITION_EXPR: column}


def partition_column_of(metadata: Mapping[str, Any]) -> str | None:
    """The partition column an asset's metadata names, if any (a ``TextMetadataValue`` too)."""
    value = metadata.get(PARTITION_EXPR)
    if value is None:
        return None
    text = str(getattr(value, "value", value))
    return text or None
