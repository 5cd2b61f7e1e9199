"""build_churn_band_asset: the seed's factory, with safe keys, checked bounds and checked input."""

import itertools
import math
import re
from pathlib import Path

import polars as pl
import pytest
from dagster import AssetKey, AssetSpec, StaticPartitionsDefinition, materialize

from shared_lib import (
    AssetDefinitionError,
    PolarsParquetIOManager,
    build_churn_band_asset,
    churn_band_name,
    contract,
    standard_asset,
)
from tests.support.runs import failure_message, materialized_keys, materialized_metadata

USERS = contract("users")

PROGRAMS = StaticPartitionsDefinition(["A", "B"])


def users_with(probabilities: list[float | None], dtype: type[pl.DataType] = pl.Float64):
    @standard_asset(key="users", group_name="users")
    def users() -> pl.DataFrame:
        return pl.DataFrame(
            {"user_id": list(range(len(probabilities))), "predicted_churn_proba": probabilities},
            schema={"user_id": pl.Int64, "predicted_churn_proba": dtype},
        )

    return users


def test_band_names_are_key_safe_and_deterministic() -> None:
    assert churn_band_name(0.7, 0.8) == "churn_0p7_to_0p8"
    assert churn_band_name(0.7, 0.8) == churn_band_name(0.7, 0.8)
    assert churn_band_name(0, 1) == churn_band_name(0.0, 1.0) == "churn_0p0_to_1p0"


def test_distinct_bands_get_distinct_names() -> None:
    bounds = [0, 1e-05, 0.0001, 0.07, 0.1, 0.7, 0.70001, 0.75, 0.8, 0.9, 1]
    bands = [(low, high) for low, high in itertools.combinations(bounds, 2)]

    names = [churn_band_name(low, high) for low, high in bands]

    assert all(re.fullmatch(r"[A-Za-z0-9_]+", name) for name in names)
    assert len(set(names)) == len(bands)


def test_key_prefixes_the_upstream_key_with_the_band() -> None:
    band = build_churn_band_asset(AssetSpec(["users", "special"]), 0.7, 0.8)

    assert band.key == AssetKey(["churn_0p7_to_0p8", "users", "special"])
    assert band.op.name == "churn_0p7_to_0p8__users__special"


@pytest.mark.parametrize(
    "upstream",
    [
        AssetSpec(["users", "special"], group_name="special", partitions_def=PROGRAMS),
        standard_asset(key=["users", "special"], group_name="special", partitions_def=PROGRAMS)(
            lambda: pl.DataFrame()
        ),
    ],
    ids=["AssetSpec", "AssetsDefinition"],
)
def test_carries_group_and_partitions_from_the_upstream(upstream) -> None:
    band = build_churn_band_asset(upstream, 0.8, 0.9)

    assert band.group_names_by_key[band.key] == "special"
    assert band.partitions_def == PROGRAMS
    assert band.dependency_keys == {AssetKey(["users", "special"])}


def test_carries_the_contract_of_a_contract_upstream() -> None:
    band = build_churn_band_asset(USERS, 0.9, 1.0)

    assert band.key == AssetKey(["churn_0p9_to_1p0", "users"])
    assert band.group_names_by_key[band.key] == "users"


def test_overrides_reach_the_asset() -> None:
    band = build_churn_band_asset(
        AssetSpec("users"), 0.7, 0.8, group_name="campaigns", tags={"a": "b"}
    )

    assert band.group_names_by_key[band.key] == "campaigns"
    assert band.get_asset_spec().tags["a"] == "b"


def test_keeps_rows_above_min_up_to_and_including_max(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    users = users_with([0.69, 0.7, 0.7000001, 0.75, 0.8, 0.8000001, 1.0])
    band = build_churn_band_asset(users, 0.7, 0.8)

    result = materialize([users, band], resources={"io_manager": io_manager})

    stored = pl.read_parquet(data_dir / "churn_0p7_to_0p8" / "users.parquet")
    assert stored["predicted_churn_proba"].to_list() == [0.7000001, 0.75, 0.8]
    assert materialized_metadata(result, band.key.path)["dagster/row_count"] == 3


def test_a_band_up_to_one_includes_certain_churners(io_manager: PolarsParquetIOManager) -> None:
    users = users_with([0.0, 0.95, 1.0])
    band = build_churn_band_asset(users, 0.9, 1.0)

    result = materialize([users, band], resources={"io_manager": io_manager})

    assert materialized_metadata(result, band.key.path)["dagster/row_count"] == 2


@pytest.mark.parametrize(
    ("low", "high"),
    [(-0.1, 0.5), (0.5, 0.5), (0.8, 0.7), (0.5, 1.1), (math.nan, 0.5), (0.2, math.inf)],
)
def test_rejects_bounds_outside_zero_to_one_or_out_of_order(low: float, high: float) -> None:
    with pytest.raises(
        ValueError, match=r"0 <= min_churn_proba < max_churn_proba <= 1|not a number"
    ) as error:
        build_churn_band_asset(AssetSpec("users"), low, high)

    assert repr(low) in str(error.value)
    assert isinstance(error.value, AssetDefinitionError)


@pytest.mark.parametrize(("low", "high"), [("0.1", 0.5), (0.1, None), (True, 0.5)])
def test_rejects_bounds_that_are_not_numbers(low: object, high: object) -> None:
    with pytest.raises(AssetDefinitionError, match="is not a number"):
        build_churn_band_asset(AssetSpec("users"), low, high)  # type: ignore[arg-type]


@pytest.mark.parametrize("upstream", ["users", AssetKey("users"), 42, None])
def test_rejects_an_upstream_that_is_not_an_asset(upstream: object) -> None:
    with pytest.raises(AssetDefinitionError, match="upstream must be one asset"):
        build_churn_band_asset(upstream, 0.7, 0.8)  # type: ignore[arg-type]


BAD_UPSTREAM_DATA = {
    "missing column": (
        pl.DataFrame({"user_id": [1], "score": [0.5]}),
        "missing column(s) ['predicted_churn_proba']",
    ),
    "wrong dtype": (
        pl.DataFrame({"user_id": [1], "predicted_churn_proba": ["0.75"]}),
        "predicted_churn_proba is String, expected Float64",
    ),
    "nulls": (
        pl.DataFrame({"user_id": [1, 2], "predicted_churn_proba": [0.75, None]}),
        "1 null(s) found",
    ),
    "out of range": (
        pl.DataFrame({"user_id": [1, 2], "predicted_churn_proba": [0.75, 1.5]}),
        "1 row(s) violate: predicted_churn_proba lies in [0.0, 1.0]",
    ),
    "empty": (
        pl.DataFrame(schema={"user_id": pl.Int64, "predicted_churn_proba": pl.Float64}),
        "the frame is empty",
    ),
}


@pytest.mark.parametrize(
    ("frame", "problem"), BAD_UPSTREAM_DATA.values(), ids=BAD_UPSTREAM_DATA.keys()
)
def test_bad_upstream_data_fails_the_band_and_keeps_its_last_good_version(
    frame: pl.DataFrame, problem: str, io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    good_users = users_with([0.75, 0.5])
    band = build_churn_band_asset(good_users, 0.7, 0.8)
    materialize([good_users, band], resources={"io_manager": io_manager})
    band_file = data_dir / "churn_0p7_to_0p8" / "users.parquet"
    last_good = pl.read_parquet(band_file)

    bad_users = standard_asset(key="users", group_name="users")(lambda: frame)
    result = materialize(
        [bad_users, band], resources={"io_manager": io_manager}, raise_on_error=False
    )

    assert not result.success
    assert materialized_keys(result) == {"users"}
    message = failure_message(result)
    assert "churn_0p7_to_0p8/users: input 'upstream' breaks its upstream's contract" in message
    assert problem in message
    assert pl.read_parquet(band_file).equals(last_good)
