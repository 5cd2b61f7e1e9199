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

import dataclasses
import inspect
import keyword
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import dagster as dg
import polars as pl
from dagster import AssetKey, AssetsDefinition, AssetSpec, AutomationCondition
from pydantic import BaseModel, Field

from shared_lib.check_declarations import CheckDeclaration, parse_checks
from shared_lib.checks import FrameCheck, schema_problem
from shared_lib.components.references import published_names, resolve_reference
from shared_lib.components.scaffolding import defs_relative_name, write_defs_yaml
from shared_lib.contracts import AssetContract
from shared_lib.decorator import standard_asset
from shared_lib.errors import AssetDefinitionError
from shared_lib.storage import PARTITION_EXPR

AUTOMATION_CONDITIONS = {"eager": AutomationCondition.eager}
KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _check_key(context: dg.ResolutionContext, raw: Any) -> str:
    key = context.resolve_value(raw, as_type=str)
    if not key or any(not part for part in key.split("/")):
        raise ValueError(f"key {key!r} is not an asset key; write one like marketing/top_users")
    return key


def _check_inputs(context: dg.ResolutionContext, raw: Any) -> dict[str, str]:
    inputs = context.resolve_value(raw)
    if not isinstance(inputs, dict) or not inputs:
        raise ValueError(
            "inputs must map each table name the query uses to a published contract or an "
            f"asset key, e.g. {{users: users}}; published contracts: {published_names()}"
        )
    for name, reference in inputs.items():
        if not str(name).isidentifier() or keyword.iskeyword(name):
            raise ValueError(
                f"input name {name!r} is not usable as a table name; use letters, digits and "
                "underscores, not starting with a digit (e.g. special_users)"
            )
        resolve_reference(str(reference))
    return {str(name): str(reference) for name, reference in inputs.items()}


def _check_checks(context: dg.ResolutionContext, raw: Any) -> list[CheckDeclaration]:
    declarations = context.resolve_value(raw) or []
    parse_checks(declarations)
    return declarations


class SqlAssetScaffoldParams(BaseModel):
    """``dg scaffold defs shared_lib.components.SqlAssetComponent PATH [--key a/b]``."""

    key: str | None = None
    contract: str = "users"


class SqlAssetScaffolder(dg.Scaffolder[SqlAssetScaffoldParams]):
    @classmethod
    def get_scaffold_params(cls) -> type[SqlAssetScaffoldParams]:
        return SqlAssetScaffoldParams

    def scaffold(self, request: dg.ScaffoldRequest[SqlAssetScaffoldParams]) -> None:
        params = request.params or SqlAssetScaffoldParams()
        table = params.contract.split("/")[-1]
        write_defs_yaml(
            request,
            {
                "key": params.key or defs_relative_name(request),
                "inputs": {table: params.contract},
                "sql": f"SELECT * FROM {table} LIMIT 100",
                "checks": ["non_empty"],
            },
            comment="inputs: table name in sql -> published contract or asset key "
            f"(published: {published_names()}).\nchecks: non_empty, {{unique: col}}, "
            "{no_nulls: [cols]}, {values_between: {column: c, lower: 0, upper: 1}}.",
        )


@dg.scaffold_with(SqlAssetScaffolder)
class SqlAssetComponent(dg.Component, dg.Resolvable, dg.Model):
    """An asset computed by a Polars SQL query over upstream assets or published contracts."""

    key: Annotated[
        str,
        dg.Resolver(_check_key, model_field_type=str, description="The asset key, a/b/c."),
    ]
    inputs: Annotated[
        dict[str, str],
        dg.Resolver(
            _check_inputs,
            model_field_type=dict[str, str],
            description="Table name in the query -> published contract or asset key.",
        ),
    ]
    sql: str
    checks: Annotated[
        list[CheckDeclaration],
        dg.Resolver(
            _check_checks,
            model_field_type=list[CheckDeclaration],
            description="Checks on the result: non_empty, {unique: col}, {no_nulls: [cols]}, "
            "{values_between: {column, lower, upper}}.",
        ),
    ] = Field(default_factory=list)
    description: Annotated[
        str | None, dg.Resolver.default(description="Shown in the UI; default: the query.")
    ] = None
    group_name: Annotated[str | None, dg.Resolver.default(description="Asset group.")] = None
    owners: Annotated[
        list[str], dg.Resolver.default(description="Owners, e.g. team:marketing.")
    ] = Field(default_factory=list)
    automation_condition: Annotated[
        Literal["eager"] | None,
        dg.Resolver.default(description="eager: refresh whenever an input changes."),
    ] = None

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        try:
            return dg.Definitions(assets=[self.build_asset()])
        except AssetDefinitionError as error:
            raise AssetDefinitionError(f"{context.path / 'defs.yaml'}: {error}") from None

    def build_asset(self) -> AssetsDefinition:
        """The asset this declaration describes; ``AssetDefinitionError`` names what is wrong."""
        label = self.key
        upstreams = {name: resolve_reference(ref) for name, ref in self.inputs.items()}
        checks = parse_checks(self.checks)
        output_columns = _validate_query(label, self.sql, upstreams, checks)
        if output_columns is not None:
            upstreams = _with_columns_read(self.sql, upstreams, output_columns)
        sql_markdown = dg.MetadataValue.md(f"```sql\n{self.sql.strip()}\n```")
        metadata: dict[str, Any] = {"sql": sql_markdown}
        partition_column = _partition_column(upstreams)
        if partition_column and (output_columns is None or partition_column in output_columns):
            metadata[PARTITION_EXPR] = partition_column
        kwargs: dict[str, Any] = {
            "key": AssetKey.from_user_string(self.key),
            "ins": upstreams,
            "checks": checks,
            "description": self.description or f"SQL: {' '.join(self.sql.split())}",
            "metadata": metadata,
            "kinds": {"polars", "sql"},
        }
        if self.group_name:
            kwargs["group_name"] = self.group_name
        if self.owners:
            kwargs["owners"] = self.owners
        if self.automation_condition:
            kwargs["automation_condition"] = AUTOMATION_CONDITIONS[self.automation_condition]()
        return standard_asset(**kwargs)(_query_function(label, self.sql, list(upstreams)))


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


def _known_columns(upstream: AssetContract | AssetSpec) -> Mapping[str, Any] | None:
    return dict(upstream.columns) if isinstance(upstream, AssetContract) else None


def _validate_query(
    label: str,
    sql: str,
    upstreams: Mapping[str, AssetContract | AssetSpec],
    checks: list[FrameCheck],
) -> pl.Schema | None:
    """Run the query on empty frames; the result's schema, if every input's columns are known."""
    known = {name: _known_columns(upstream) for name, upstream in upstreams.items()}
    all_known = all(columns is not None for columns in known.values())
    frames = {name: pl.LazyFrame(schema=columns or {}) for name, columns in known.items()}
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
    sql: str, upstreams: Mapping[str, AssetContract | AssetSpec], output: pl.Schema
) -> dict[str, AssetContract | AssetSpec]:
    """Each contract input marked with the columns the query reads (``AssetContract.reading``).

    A column is read if the query fails, or returns another schema, without it: exact for what
    Polars' SQL can express, and cheap (plans on empty frames, one per column).
    """
    frames = {
        name: pl.LazyFrame(schema=dict(_known_columns(u) or {})) for name, u in upstreams.items()
    }

    def same_result_without(name: str, column: str) -> bool:
        trial = {**frames, name: frames[name].drop(column)}
        try:
            return pl.SQLContext(trial, eager=False).execute(sql).collect_schema() == output
        except pl.exceptions.PolarsError:
            return False

    marked: dict[str, AssetContract | AssetSpec] = {}
    for name, upstream in upstreams.items():
        if isinstance(upstream, AssetContract):
            read = tuple(c for c in upstream.columns if not same_result_without(name, c))
            upstream = dataclasses.replace(upstream, columns_read=read)
        marked[name] = upstream
    return marked


def _partition_column(upstreams: Mapping[str, AssetContract | AssetSpec]) -> str | None:
    for upstream in upstreams.values():
        spec = upstream.spec if isinstance(upstream, AssetContract) else upstream
        if spec.partitions_def is not None and spec.metadata.get(PARTITION_EXPR):
            return str(spec.metadata[PARTITION_EXPR])
    return None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]
