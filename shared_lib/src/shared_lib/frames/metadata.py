"""Materialization metadata for a frame, under Dagster's standard keys so the UI shows it.

Everything here is O(1) in the frame's size for a ``DataFrame``: the row count and schema are
fields of the frame and the preview is a slice. A ``LazyFrame``'s row count comes from the same
pass that evaluates its checks (see :mod:`shared_lib.frames.checks`).
"""

from collections.abc import Mapping
from typing import Any

import polars as pl
from dagster import MetadataValue, TableColumn, TableSchema

PREVIEW_ROWS = 5


def table_schema(schema: Mapping[str, Any]) -> TableSchema:
    """A Dagster ``TableSchema`` from a Polars schema (column name to dtype)."""
    return TableSchema(
        columns=[TableColumn(name=name, type=str(dtype)) for name, dtype in schema.items()]
    )


def frame_metadata(
    schema: pl.Schema, row_count: int, preview: pl.DataFrame
) -> dict[str, MetadataValue]:
    """``dagster/row_count``, ``dagster/column_schema`` and a Markdown preview of the first rows."""
    with pl.Config(
        tbl_formatting="MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_cols=-1,
        fmt_str_lengths=40,
    ):
        preview_markdown = str(preview)
    return {
        "dagster/row_count": MetadataValue.int(row_count),
        "dagster/column_schema": MetadataValue.table_schema(table_schema(schema)),
        "preview": MetadataValue.md(preview_markdown),
    }
