"""SqlAssetComponent: a Polars SQL query over upstreams, declared in YAML, checked at load."""

from pathlib import Path

import polars as pl
import pytest
from dagster import AssetKey, AssetsDefinition, materialize

from shared_lib import PolarsParquetIOManager, contract, standard_asset
from shared_lib.components import SqlAssetComponent
from shared_lib.contracts.published import COLUMNS_READ
from tests.support.components import defs_from_yaml, load_error
from tests.support.runs import check_results, materialized_metadata

SPECIAL_USERS = contract("users/special")

SQL_ASSET = """type: shared_lib.components.SqlAssetComponent
attributes:
  key: marketing/high_value_users
  inputs: {users: users}
  sql: SELECT user_id, monthly_spend FROM users WHERE monthly_spend > 100
  checks: [non_empty, {unique: user_id}]
"""
USERS_FRAME = pl.DataFrame(
    {"user_id": [1, 2, 3], "monthly_spend": [50.0, 150.0, 300.0], "segment": ["a", "b", "b"]}
)


def sql_asset(defs) -> AssetsDefinition:
    (found,) = [
        a for a in defs.assets if isinstance(a, AssetsDefinition) and a.key.path[0] == "marketing"
    ]
    return found


def test_loads_as_an_asset_with_its_checks_reading_the_contract() -> None:
    with defs_from_yaml(high_value=SQL_ASSET) as defs:
        asset = sql_asset(defs)

    assert asset.key == AssetKey(["marketing", "high_value_users"])
    assert asset.dependency_keys == {AssetKey("users")}
    assert {key.name for key in asset.check_keys} == {"non_empty", "user_id_is_unique"}
    assert asset.get_asset_spec().kinds == {"polars", "sql"}


def test_materializes_the_query_over_its_inputs(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    @standard_asset(key=["crm", "users"])
    def users() -> pl.DataFrame:
        return USERS_FRAME

    attributes = SQL_ASSET.split("attributes:\n")[1].replace("{users: users}", "{users: crm/users}")
    component = SqlAssetComponent.resolve_from_yaml(attributes)
    component_asset = component.build_asset()

    result = materialize([users, component_asset], resources={"io_manager": io_manager})

    stored = pl.read_parquet(data_dir / "marketing" / "high_value_users.parquet")
    assert stored.sort("user_id").to_dicts() == [
        {"user_id": 2, "monthly_spend": 150.0},
        {"user_id": 3, "monthly_spend": 300.0},
    ]
    assert (
        materialized_metadata(result, ["marketing", "high_value_users"])["dagster/row_count"] == 2
    )
    assert check_results(result) == {"non_empty": True, "user_id_is_unique": True}


def test_inherits_the_partitions_of_a_partitioned_input() -> None:
    partitioned = SQL_ASSET.replace("{users: users}", "{users: users/special}")

    with defs_from_yaml(high_value=partitioned) as defs:
        asset = sql_asset(defs)

    assert asset.partitions_def == SPECIAL_USERS.spec.partitions_def


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("FROM users", "FROM userz"), "field sql does not run: relation 'userz' was not found"),
        (("SELECT user_id,", "SELECT user_idx,"), 'unable to find column "user_idx"'),
        (("{unique: user_id}", "{unique: segment}"), "check segment_is_unique cannot hold"),
        (("{unique: user_id}", "{unique_ish: user_id}"), "unknown check 'unique_ish'"),
        (("{users: users}", "{users-all: users}"), "input name 'users-all' is not usable"),
    ],
    ids=[
        "unknown table",
        "unknown column",
        "check on a missing column",
        "unknown check",
        "bad name",
    ],
)
def test_a_mistake_fails_at_load_naming_the_file_and_what_to_fix(
    change: tuple[str, str], expected: str
) -> None:
    broken = SQL_ASSET.replace(*change)

    message = load_error(high_value=broken)

    assert "high_value/defs.yaml" in message
    assert expected in message


def test_an_input_that_names_no_contract_or_asset_names_the_reader_and_the_fix() -> None:
    broken = SQL_ASSET.replace("{users: users}", "{users: crm/users}")

    message = load_error(high_value=broken)

    assert "Asset marketing/high_value_users (" in message
    assert "high_value/defs.yaml:" in message
    assert "reads crm/users, which no asset of this location defines" in message


def test_a_duplicate_key_names_both_files() -> None:
    message = load_error(first=SQL_ASSET, second=SQL_ASSET)

    assert "marketing/high_value_users is defined 2 times" in message
    assert "first/defs.yaml" in message
    assert "second/defs.yaml" in message


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        (
            "SELECT user_id, monthly_spend FROM users WHERE monthly_spend > 100",
            ["user_id", "monthly_spend"],
        ),
        ("SELECT user_id, segment FROM users WHERE churned", ["user_id", "segment", "churned"]),
        ("SELECT * FROM users LIMIT 10", list(contract("users").columns)),
    ],
    ids=["select and filter", "where", "star"],
)
def test_records_the_contract_columns_its_query_reads(sql: str, read: list[str]) -> None:
    with defs_from_yaml(
        high_value=SQL_ASSET.replace(SQL_ASSET.splitlines()[4], f"  sql: {sql}")
    ) as defs:
        metadata = (
            sql_asset(defs).specs_by_key[AssetKey(["marketing", "high_value_users"])].metadata
        )

    assert metadata[COLUMNS_READ].data == {"users": read}
