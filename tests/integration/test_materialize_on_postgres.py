"""Both locations materialize, one run each, on a Dagster instance stored in a real PostgreSQL,
with the assets on a local directory and, again, on real S3-compatible object storage.

The instance uses the deployment's own dagster.yaml storage block, and each location runs only
its own definitions, as its code server will: data crosses locations through storage alone.
"""

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy
import yaml
from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus, Definitions

from location_core.definitions import defs as load_core_defs
from location_features.definitions import defs as load_features_defs
from shared_lib import contract, logistic_probability
from shared_lib.storage.parquet_stores import parquet_store
from tests.support.postgres import PostgresServer

SPECIAL_USER_PROGRAMS = contract("users/special").spec.partitions_def

ROOT = Path(__file__).resolve().parents[2]
ALL_PROGRAMS = {
    "dagster/asset_partition_range_start": SPECIAL_USER_PROGRAMS.get_partition_keys()[0],
    "dagster/asset_partition_range_end": SPECIAL_USER_PROGRAMS.get_partition_keys()[-1],
}
N_USERS, N_PER_PROGRAM = 3_000, 400

pytestmark = pytest.mark.postgres


@pytest.fixture
def instance(
    postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DagsterInstance]:
    for name, value in postgres.env.items():
        monkeypatch.setenv(name, value)
    deployment = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    storages = ("run_storage", "event_log_storage", "schedule_storage")
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump({k: deployment[k] for k in storages}))
    with DagsterInstance.from_config(str(home)) as instance:
        instance.wipe()
        yield instance


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, data_dir: Path) -> str:
    """Where the assets go: a local directory, or a prefix on a real S3-compatible server."""
    return str(data_dir) if request.param == "local" else request.getfixturevalue("s3_data_url")


def stored(base: str, *key: str, partition: str | None = None) -> pl.DataFrame:
    store = parquet_store(base)
    return store.scan([store.location(list(key), partition)]).collect()


def run_location(defs: Definitions, instance: DagsterInstance, run_config: dict | None = None):
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, tags=ALL_PROGRAMS, run_config=run_config)


def row_counts(instance: DagsterInstance, run_id: str) -> dict[tuple[str, str | None], int]:
    counts = {}
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
    for record in records.records:
        materialization = record.event_log_entry.asset_materialization
        key = (materialization.asset_key.to_user_string(), materialization.partition)
        counts[key] = materialization.metadata["dagster/row_count"].value
    return counts


def test_core_then_features_materialize_and_the_data_flows(
    instance: DagsterInstance, storage: str, postgres: PostgresServer
) -> None:
    core_config = {
        "ops": {
            "user_history": {"config": {"n_users": N_USERS}},
            "users__special": {"config": {"n_users_per_program": N_PER_PROGRAM}},
        }
    }
    core = run_location(load_core_defs(), instance, core_config)
    features = run_location(load_features_defs(), instance)

    assert core.success
    assert features.success
    core_counts = row_counts(instance, core.run_id)
    feature_counts = row_counts(instance, features.run_id)
    assert core_counts[("users", None)] == N_USERS
    assert (
        core_counts[("users/special", "A")] == core_counts[("users/special", "B")] == N_PER_PROGRAM
    )
    for name in ("tenure_years", "churn_risk", "retention_priority"):
        assert feature_counts[(f"features/{name}", None)] == N_USERS
        for program in ("A", "B"):
            assert feature_counts[(f"features/special/{name}", program)] == N_PER_PROGRAM

    # The features location applied core's model to core's users: same numbers as core's scores.
    users = stored(storage, "users")
    model = stored(storage, "churn_model")
    churn_risk = stored(storage, "features", "churn_risk")
    joined = users.join(churn_risk, on="user_id")
    assert joined.height == N_USERS
    assert (joined["churn_risk"] - joined["predicted_churn_proba"]).abs().max() < 1e-12
    recomputed = users.select("user_id", p=logistic_probability(model))
    assert (
        recomputed.join(churn_risk, on="user_id")
        .select((pl.col("p") - pl.col("churn_risk")).abs().max())
        .item()
        < 1e-12
    )
    band = stored(storage, "churn_0p9_to_1p0", "users")
    assert band.height == users.filter(pl.col("predicted_churn_proba") > 0.9).height
    special_b = stored(storage, "features", "special", "churn_risk", partition="B")
    assert special_b["program"].unique().to_list() == ["B"]

    # Through the YAML components: core's bands (above) and the features' SQL report.
    report = stored(storage, "reports", "segment_churn")
    expected = (
        users.group_by("segment")
        .agg(users=pl.len(), avg_churn_proba=pl.col("predicted_churn_proba").mean())
        .sort("segment")
    )
    assert report.select("segment", "users").equals(expected.select("segment", "users"))
    assert (report["avg_churn_proba"] - expected["avg_churn_proba"]).abs().max() < 1e-12
    assert feature_counts[("reports/segment_churn", None)] == expected.height

    # Runs and materializations live in Postgres, not just in this process.
    engine = sqlalchemy.create_engine(postgres.url)
    with engine.connect() as connection:
        runs = dict(connection.execute(sqlalchemy.text("SELECT run_id, status FROM runs")).all())
        materialized = connection.execute(
            sqlalchemy.text(
                "SELECT count(*) FROM event_logs WHERE dagster_event_type = "
                "'ASSET_MATERIALIZATION' AND run_id IN (:core, :features)"
            ),
            {"core": core.run_id, "features": features.run_id},
        ).scalar_one()
    engine.dispose()
    success = DagsterRunStatus.SUCCESS.value
    assert runs == {core.run_id: success, features.run_id: success}
    assert materialized == len(core_counts) + len(feature_counts)
    assert instance.get_latest_materialization_event(AssetKey(["features", "churn_risk"]))
