"""build_feature_assets: a feature DAG whose upstreams are chosen when the factory is called."""

from pathlib import Path

import polars as pl
import pytest
from dagster import (
    AssetKey,
    AssetSpec,
    AutomationCondition,
    StaticPartitionsDefinition,
    materialize,
)

from shared_lib import (
    PARTITION_EXPR,
    AssetDefinitionError,
    FeatureSpec,
    PolarsParquetIOManager,
    build_feature_assets,
    logistic_probability,
    model_frame,
    standard_asset,
)
from tests.support.runs import materialized_metadata

PROGRAMS = StaticPartitionsDefinition(["A", "B"])


def doubled(users: pl.DataFrame) -> pl.DataFrame:
    """Twice the spend."""
    return users.select("user_id", doubled=pl.col("spend") * 2)


def quadrupled(doubled: pl.DataFrame) -> pl.DataFrame:
    return doubled.select("user_id", quadrupled=pl.col("doubled") * 2)


def scored(users: pl.DataFrame, model: pl.DataFrame) -> pl.DataFrame:
    return users.select("user_id", score=logistic_probability(model))


FEATURES = [
    FeatureSpec("quadrupled", quadrupled),
    FeatureSpec("doubled", doubled),
    FeatureSpec("scored", scored),
]


@standard_asset(key="users")
def users() -> pl.DataFrame:
    return pl.DataFrame({"user_id": [1, 2], "spend": [1.0, 3.0]})


@standard_asset(key="model")
def model() -> pl.DataFrame:
    return model_frame({"spend": 1.0}, intercept=-2.0, means={"spend": 0.0}, scales={"spend": 1.0})


@standard_asset(
    key=["users", "special"], partitions_def=PROGRAMS, metadata={PARTITION_EXPR: "program"}
)
def special_users(context) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "user_id": [10 + i for i, _ in enumerate(context.partition_keys)],
            "spend": [5.0] * len(context.partition_keys),
            "program": context.partition_keys,
        }
    )


def test_builds_features_in_dependency_order_under_the_prefix() -> None:
    built = build_feature_assets(FEATURES, upstreams={"users": users, "model": model})

    keys = [a.key.to_user_string() for a in built]
    assert keys.index("features/doubled") < keys.index("features/quadrupled")
    assert set(keys) == {"features/doubled", "features/quadrupled", "features/scored"}
    by_key = {a.key.to_user_string(): a for a in built}
    assert by_key["features/quadrupled"].dependency_keys == {AssetKey(["features", "doubled"])}
    assert by_key["features/scored"].dependency_keys == {AssetKey("users"), AssetKey("model")}
    assert by_key["features/doubled"].descriptions_by_key[AssetKey(["features", "doubled"])] == (
        "Twice the spend."
    )


def test_upstreams_are_chosen_at_call_time() -> None:
    over_users = build_feature_assets([FeatureSpec("doubled", doubled)], upstreams={"users": users})
    over_crm = build_feature_assets(
        [FeatureSpec("doubled", doubled)],
        upstreams={"users": AssetSpec(["crm", "contacts"])},
        key_prefix=["features", "crm"],
    )

    assert over_users[0].dependency_keys == {AssetKey("users")}
    assert over_crm[0].dependency_keys == {AssetKey(["crm", "contacts"])}
    assert over_crm[0].key == AssetKey(["features", "crm", "doubled"])


def test_asset_keywords_apply_to_every_feature() -> None:
    built = build_feature_assets(
        FEATURES,
        upstreams={"users": users, "model": model},
        group_name="ds",
        automation_condition=AutomationCondition.eager(),
    )

    assert {a.group_names_by_key[a.key] for a in built} == {"ds"}
    assert all(a.get_asset_spec().automation_condition is not None for a in built)


def test_materializes_the_dag_and_applies_the_model(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    built = build_feature_assets(FEATURES, upstreams={"users": users, "model": model})

    result = materialize([users, model, *built], resources={"io_manager": io_manager})

    assert result.success
    quadrupled_frame = pl.read_parquet(data_dir / "features" / "quadrupled.parquet")
    assert quadrupled_frame["quadrupled"].to_list() == [4.0, 12.0]
    scores = pl.read_parquet(data_dir / "features" / "scored.parquet")["score"]
    assert scores.round(6).to_list() == [round(1 / (1 + 2.718281828459045**1), 6), 0.731059]
    assert materialized_metadata(result, ["features", "scored"])["dagster/row_count"] == 2


def test_features_follow_partitioned_inputs_and_one_run_covers_many_partitions(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    built = build_feature_assets(
        FEATURES, upstreams={"users": special_users, "model": model}, key_prefix="special"
    )
    assert {a.partitions_def for a in built} == {PROGRAMS}

    result = materialize(
        [special_users, model, *built],
        resources={"io_manager": io_manager},
        tags={"dagster/asset_partition_range_start": "A", "dagster/asset_partition_range_end": "B"},
    )

    assert result.success
    for program, user_id in (("A", 10), ("B", 11)):
        stored = pl.read_parquet(data_dir / "special" / "quadrupled" / f"{program}.parquet")
        assert stored.to_dicts() == [{"user_id": user_id, "quadrupled": 20.0, "program": program}]


def test_rejects_two_features_with_the_same_name() -> None:
    with pytest.raises(
        AssetDefinitionError, match="Feature asset features/doubled is declared twice"
    ):
        build_feature_assets(
            [FeatureSpec("doubled", doubled), FeatureSpec("doubled", quadrupled)],
            upstreams={"users": users},
        )


def test_rejects_a_feature_whose_key_is_an_upstreams() -> None:
    with pytest.raises(AssetDefinitionError, match="Feature asset users clashes with upstream"):
        build_feature_assets(
            [FeatureSpec("users", doubled)], upstreams={"people": users}, key_prefix=[]
        )


def test_rejects_an_input_that_names_nothing() -> None:
    with pytest.raises(
        AssetDefinitionError,
        match=r"Feature asset features/quadrupled: input 'doubled' refers to 'doubled', which is "
        r"neither a feature of this call",
    ):
        build_feature_assets([FeatureSpec("quadrupled", quadrupled)], upstreams={"users": users})


def test_an_input_can_be_renamed() -> None:
    built = build_feature_assets(
        [FeatureSpec("doubled", doubled, inputs={"users": "customers"})],
        upstreams={"customers": users},
    )

    assert built[0].dependency_keys == {AssetKey("users")}


def test_rejects_a_cycle_and_names_its_assets() -> None:
    def a(b: pl.DataFrame) -> pl.DataFrame:
        return b

    def b(c: pl.DataFrame) -> pl.DataFrame:
        return c

    def c(a: pl.DataFrame) -> pl.DataFrame:
        return a

    with pytest.raises(AssetDefinitionError, match="Feature assets form a cycle: ") as error:
        build_feature_assets(
            [FeatureSpec("a", a), FeatureSpec("b", b), FeatureSpec("c", c)], upstreams={}
        )

    assert all(f"features/{name}" in str(error.value) for name in "abc")


def test_rejects_inputs_partitioned_differently() -> None:
    other = AssetSpec("other_users", partitions_def=StaticPartitionsDefinition(["X"]))

    def both(users: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
        return users

    with pytest.raises(AssetDefinitionError, match="Asset features/both: its inputs"):
        build_feature_assets(
            [FeatureSpec("both", both)], upstreams={"users": special_users, "other": other}
        )


def test_rejects_an_explicit_partitioning_unlike_the_inputs() -> None:
    with pytest.raises(
        AssetDefinitionError, match="Feature asset features/doubled: partitions_def="
    ):
        build_feature_assets(
            [FeatureSpec("doubled", doubled)],
            upstreams={"users": special_users},
            partitions_def=StaticPartitionsDefinition(["X"]),
        )
