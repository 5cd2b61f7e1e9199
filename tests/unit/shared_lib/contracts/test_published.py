"""The cross-location contracts: what core publishes and features relies on."""

import polars as pl
from dagster import AssetKey

from shared_lib import PARTITION_EXPR, contract, evaluate_checks

USERS = contract("users")
SPECIAL_USERS = contract("users/special")
CHURN_MODEL = contract("churn_model")
SPECIAL_USER_PROGRAMS = contract("users/special").spec.partitions_def


def test_users_contract_documents_its_schema_for_the_ui() -> None:
    schema = USERS.spec.metadata["dagster/column_schema"]

    assert "predicted_churn_proba" in {column.name for column in schema.columns}
    assert USERS.key == AssetKey("users")


def test_special_users_are_partitioned_by_programme_and_say_by_which_column() -> None:
    assert SPECIAL_USERS.key == AssetKey(["users", "special"])
    assert SPECIAL_USERS.spec.partitions_def == SPECIAL_USER_PROGRAMS
    assert SPECIAL_USER_PROGRAMS.get_partition_keys() == ["A", "B"]
    assert SPECIAL_USERS.spec.metadata[PARTITION_EXPR] == "program"
    assert SPECIAL_USERS.spec.group_name == "special"


def test_a_model_frame_with_a_missing_weight_breaks_the_model_contract() -> None:
    frame = pl.DataFrame(
        {"feature": ["x"], "weight": [None], "mean": [0.0], "scale": [1.0]},
        schema={
            "feature": pl.String,
            "weight": pl.Float64,
            "mean": pl.Float64,
            "scale": pl.Float64,
        },
    )

    outcomes, _ = evaluate_checks(frame, CHURN_MODEL.checks)

    assert [o.check.name for o in outcomes if not o.passed] == ["no_nulls_in_non_nullable_columns"]
