"""The features location: its feature DAG, its isolation, and its edges into core."""

import ast
from pathlib import Path

from dagster import AssetKey, AutomationCondition, Definitions

import location_features
from location_core.definitions import defs as load_core_defs
from location_features.definitions import defs as load_defs
from shared_lib import contract

USERS = contract("users")
SPECIAL_USERS = contract("users/special")
CHURN_MODEL = contract("churn_model")

FEATURE_PREFIX = AssetKey("features")
defs = load_defs()
core_defs = load_core_defs()


def feature_nodes():
    graph = defs.resolve_asset_graph()
    return [graph.get(key) for key in graph.materializable_asset_keys]


def test_definitions_load_and_validate() -> None:
    assert isinstance(defs, Definitions)
    Definitions.validate_loadable(defs)


def test_never_imports_the_core_location() -> None:
    package = Path(location_features.__file__).parent
    imported = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])

    assert "location_core" not in imported


def test_builds_at_least_six_features_that_depend_on_each_other() -> None:
    nodes = [n for n in feature_nodes() if n.key.path[:1] == ["features"] and len(n.key.path) == 2]
    feature_keys = {n.key for n in nodes}

    assert len(nodes) >= 6
    assert any(n.parent_keys & feature_keys for n in nodes)


def test_at_least_one_feature_applies_the_churn_model() -> None:
    assert any(CHURN_MODEL.key in n.parent_keys for n in feature_nodes())


def test_programme_features_follow_the_special_users_partitions() -> None:
    partitioned = [n for n in feature_nodes() if n.partitions_def is not None]

    assert partitioned
    assert {n.partitions_def for n in partitioned} == {SPECIAL_USERS.spec.partitions_def}
    assert any(SPECIAL_USERS.key in n.parent_keys for n in partitioned)


def test_every_feature_refreshes_itself_when_its_inputs_change() -> None:
    assert all(n.automation_condition == AutomationCondition.eager() for n in feature_nodes())


def test_every_dependency_it_does_not_define_is_materialized_by_core() -> None:
    core_materializable = core_defs.resolve_asset_graph().materializable_asset_keys
    own = defs.resolve_asset_graph().materializable_asset_keys
    external = {parent for n in feature_nodes() for parent in n.parent_keys} - own

    assert external == {USERS.key, SPECIAL_USERS.key, CHURN_MODEL.key}
    assert external <= core_materializable


def test_declares_cores_assets_as_their_contracts_specs() -> None:
    graph = defs.resolve_asset_graph()

    for published in (USERS, SPECIAL_USERS, CHURN_MODEL):
        node = graph.get(published.key)
        assert not node.is_materializable
        assert node.partitions_def == published.spec.partitions_def
