"""The core location: what it publishes, how it is grouped and partitioned, and that it loads."""

from pathlib import Path

import pytest
from dagster import AssetKey, Definitions

from location_core.definitions import defs as load_defs
from shared_lib import DATA_DIR_ENV, churn_band_name, contract
from shared_lib.policies.platform_policies import AUTOMATION_SENSOR_NAME

USERS = contract("users")
SPECIAL_USERS = contract("users/special")
CHURN_MODEL = contract("churn_model")

BANDS = [(0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]
defs = load_defs()


def test_definitions_load_and_validate() -> None:
    assert isinstance(defs, Definitions)
    Definitions.validate_loadable(defs)


def test_publishes_every_contracted_asset_as_contracted() -> None:
    graph = defs.resolve_asset_graph()

    for published in (USERS, SPECIAL_USERS, CHURN_MODEL):
        node = graph.get(published.key)
        assert node.is_materializable, published.key
        assert node.partitions_def == published.spec.partitions_def
        assert node.group_name == published.spec.group_name
        assert {check.name for check in published.checks} <= {key.name for key in node.check_keys}


def test_special_users_keep_the_seeds_key_partitions_and_group() -> None:
    node = defs.resolve_asset_graph().get(AssetKey(["users", "special"]))

    assert node.partitions_def.get_partition_keys() == ["A", "B"]
    assert node.group_name == "special"


def test_has_a_churn_band_per_band_over_both_user_tables() -> None:
    graph = defs.resolve_asset_graph()

    for upstream in (USERS, SPECIAL_USERS):
        for low, high in BANDS:
            node = graph.get(AssetKey([churn_band_name(low, high), *upstream.key.path]))
            assert node.parent_keys == {upstream.key}
            assert node.partitions_def == upstream.spec.partitions_def
            assert node.group_name == upstream.spec.group_name


def test_ships_the_automation_sensor_running() -> None:
    sensor = defs.resolve_sensor_def(AUTOMATION_SENSOR_NAME)

    assert sensor.default_status.value == "RUNNING"


def test_a_data_directory_that_cannot_be_written_stops_the_location_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "missing"))

    with pytest.raises(NotADirectoryError, match=r"PLATFORM_DATA_DIR=.*missing is not a writable"):
        load_defs()
