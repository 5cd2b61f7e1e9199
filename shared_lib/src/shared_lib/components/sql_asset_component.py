"""``SqlAssetComponent``: an asset declared in YAML as a Polars SQL query over named upstreams.

For people who write SQL rather than Python. The query runs in Polars' ``SQLContext`` on the
inputs as ``LazyFrame``s, and the result is a ``standard_asset``: checks, metadata, partitions
inherited from partitioned inputs, contracts checked on what it reads.

.. code-block:: yaml

    type: shared_lib.components.SqlAssetComponent
    attributes:
      key: marketing/high_value_users
      inputs: {users: users}          # table name in the query -> contract or asset key
      sql: SELECT user_id, monthly_spend FROM users WHERE monthly_spend > 100
      checks: [non_empty, {unique: user_id}]

Mistakes fail when definitions load: an unknown table or column (for inputs whose columns are
known from a contract), a check on a column the query does not return, a bad input name.
"""

import inspect
import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import dagster as dg
import polars as pl
from dagster import AssetKey, AssetsDefinition, AutomationCondition
from pydantic import BaseModel

from shared_lib.asset_keys import parse_asset_key
from shared_lib.assets.inputs import ResolvedInput, shared_partition_column
from shared_lib.assets.standard_asset import standard_asset
from shared_lib.components.references import published_names, resolve_reference
from shared_lib.components.scaffolding import defs_yaml_scaffolder
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import FrameCheck, schema_problem
from shared_lib.frames.yaml_checks import CheckDeclaration, parse_checks

AUTOMATION_CONDITIONS = {"eager": AutomationCondition.eager}


def _resolve_key(context: dg.ResolutionContext, raw: Any) -> AssetKey:
    try:
        return parse_asset_key(context.resolve_value(raw, as_type=str))
    except ValueError as error:
        raise ValueError(f"key {error}") from None


def _resolve_inputs(context: dg.ResolutionContext, raw: Any) -> dict[str, ResolvedInput]:
    inputs = context.resolve_value(raw)
    if not isinstance(inputs, dict) or not inputs:
        raise ValueError(
            "inputs must map each table name the query uses to a published contract or an "
            f"asset key, e.g. {{users: users}}; published contracts: {published_names()}"
        )
    for name in inputs:
        if not str(name).isidentifier() or keyword.iskeyword(name):
            raise ValueError(
                f"input name {name!r} is not usable as a table name; use letters, digits and "
                "underscores, not starting with a digit (e.g. special_users)"
            )
    return {str(name): resolve_reference(str(reference)) for name, reference in inputs.items()}


def _resolve_checks(context: dg.ResolutionContext, raw: Any) -> list[FrameCheck]:
    return parse_checks(context.resolve_value(raw) or [])


def _resolve_automation(context: dg.ResolutionContext, raw: Any) -> AutomationCondition | None:
    name = context.resolve_value(raw)
    return AUTOMATION_CONDITIONS[name]() if name else None


class SqlAssetScaffoldParams(BaseModel):
    """``dg scaffold defs shared_lib.components.SqlAssetComponent PATH [--key a/b]``."""

    key: str | None = None
    contract: str = "users"


def _example(params: SqlAssetScaffoldParams, folder: str) -> tuple[dict[str, Any], str]:
    table = params.contract.split("/")[-1]
    return (
        {
            "key": params.key or folder,
            "inputs": {table: params.contract},
            "sql": f"SELECT * FROM {table} LIMIT 100",
            "checks": ["non_empty"],
        },
        "inputs: table name in sql -> published contract or asset key "
        f"(published: {published_names()}).\nchecks: non_empty, {{unique: col}}, "
        "{no_nulls: [cols]}, {values_between: {column: c, lower: 0, upper: 1}}.",
    )


SqlAssetScaffolder = defs_yaml_scaffolder(SqlAssetScaffoldParams, _example)


@dg.scaffold_with(SqlAssetScaffolder)
@dataclass
class SqlAssetComponent(dg.Component, dg.Resolvable):
    """An asset computed by a Polars SQL query over upstream assets or published contracts."""

    key: Annotated[
        AssetKey,
        dg.Resolver(_resolve_key, model_field_type=str, description="The asset key, a/b/c."),
    ]
    inputs: Annotated[
        dict[str, ResolvedInput],
        dg.Resolver(
            _resolve_inputs,
            model_field_type=dict[str, str],
            description="Table name in the query -> published contract or asset key.",
        ),
    ]
    sql: str
    checks: Annotated[
        list[FrameCheck],
        dg.Resolver(
            _resolve_checks,
            model_field_type=list[CheckDeclaration],
            description="Checks on the result: non_empty, {unique: col}, {no_nulls: [cols]}, "
            "{values_between: {column, lower, upper}}.",
        ),
    ] = field(default_factory=list)
    description: Annotated[
        str | None, dg.Resolver.default(description="Shown in the UI; default: the query.")
    ] = None
    group_name: Annotated[str | None, dg.Resolver.default(description="Asset group.")] = None
    owners: Annotated[
        list[str], dg.Resolver.default(description="Owners, e.g. team:marketing.")
    ] = field(default_factory=list)
    automation_condition: Annotated[
        AutomationCondition | None,
        dg.Resolver(
            _resolve_automation,
            model_field_type=Literal["eager"] | None,
            description="eager: refresh whenever an input changes.",
        ),
    ] = None

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        try:
            return dg.Definitions(assets=[self.build_asset()])
        except AssetDefinitionError as error:
            raise AssetDefinitionError(f"{context.path / 'defs.yaml'}: {error}") from None

    def build_asset(self) -> AssetsDefinition:
        """The asset this declaration describes; ``AssetDefinitionError`` names what is wrong."""
        label = self.key.to_user_string()
        inputs = self.inputs
        output_columns = _validate_query(label, self.sql, inputs, self.checks)
        if output_columns is not None:
            inputs = _with_columns_read(self.sql, inputs, output_columns)
        partition_column = shared_partition_column(list(inputs.values()))
        if output_columns is not None and partition_column not in output_columns:
            partition_column = None  # the query drops it: the result is not split by it
        kwargs: dict[str, Any] = {
            "key": self.key,
            "ins": inputs,
            "checks": self.checks,
            "description": self.description or f"SQL: {' '.join(self.sql.split())}",
            "metadata": {"sql": dg.MetadataValue.md(f"```sql\n{self.sql.strip()}\n```")},
            "partition_column": partition_column,
            "kinds": {"polars", "sql"},
        }
        if self.group_name:
            kwargs["group_name"] = self.group_name
        if self.owners:
            kwargs["owners"] = self.owners
        if self.automation_condition:
            kwargs["automation_condition"] = self.automation_condition
        return standard_asset(**kwargs)(_query_function(label, self.sql, list(inputs)))


def _query_function(label: str, sql: str, tables: list[str]) -> Any:
    """A function whose parameters are the tables, as Dagster infers inputs from parameters."""

    def run_query(**frames: pl.LazyFrame) -> pl.LazyFrame:
        return pl.SQLContext(frames, eager=False).execute(sql)

    run_query.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=pl.LazyFrame
            )
            for name in tables
        ],
        return_annotation=pl.LazyFrame,
    )
    run_query.__annotations__ = {**dict.fromkeys(tables, pl.LazyFrame), "return": pl.LazyFrame}
    run_query.__name__ = run_query.__qualname__ = label.replace("/", "__")
    return run_query


def _validate_query(
    label: str,
    sql: str,
    upstreams: Mapping[str, ResolvedInput],
    checks: list[FrameCheck],
) -> pl.Schema | None:
    """Run the query on empty frames; the result's schema, if every input's columns are known."""
    known = {name: upstream.columns for name, upstream in upstreams.items()}
    all_known = all(columns is not None for columns in known.values())
    frames = {name: pl.LazyFrame(schema=dict(columns or {})) for name, columns in known.items()}
    try:
        schema = pl.SQLContext(frames, eager=False).execute(sql).collect_schema()
    except (pl.exceptions.SQLInterfaceError, pl.exceptions.SQLSyntaxError) as error:
        raise AssetDefinitionError(
            f"Asset {label}: field sql does not run: {_first_line(error)}. The tables it can "
            f"use are its inputs {sorted(upstreams)}; add one to inputs or fix the query."
        ) from None
    except pl.exceptions.PolarsError as error:
        if not all_known:
            return None  # a column of an input whose columns nobody published: not checkable
        columns = {name: list(c or {}) for name, c in known.items()}
        raise AssetDefinitionError(
            f"Asset {label}: field sql does not run on its inputs' columns: "
            f"{_first_line(error)}. The inputs' columns: {columns}; fix the query."
        ) from None
    for check in checks:
        problem = schema_problem(schema, check.columns)
        if problem:
            raise AssetDefinitionError(
                f"Asset {label}: check {check.name} cannot hold on the query's result: "
                f"{problem}. Select that column in sql, or drop the check."
            )
    return schema


def _with_columns_read(
    sql: str, upstreams: Mapping[str, ResolvedInput], output: pl.Schema
) -> dict[str, ResolvedInput]:
    """Each contract input marked with the columns the query reads (``ResolvedInput.reading``).

    A column is read if the query fails, or returns another schema, without it: exact for what
    Polars' SQL can express, and cheap (plans on empty frames, one per column).
    """
    frames = {name: pl.LazyFrame(schema=dict(u.columns or {})) for name, u in upstreams.items()}

    def same_result_without(name: str, column: str) -> bool:
        trial = {**frames, name: frames[name].drop(column)}
        try:
            return pl.SQLContext(trial, eager=False).execute(sql).collect_schema() == output
        except pl.exceptions.PolarsError:
            return False

    marked: dict[str, ResolvedInput] = {}
    for name, upstream in upstreams.items():
        if upstream.columns is not None:
            upstream = upstream.reading(
                [c for c in upstream.columns if not same_result_without(name, c)]
            )
        marked[name] = upstream
    return marked


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
