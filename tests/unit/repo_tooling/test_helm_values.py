"""deploy/helm/values.yaml: values for Dagster's official chart, checked here without a cluster.

The structure asserted is the one the chart's values schema (dagster/dagster 1.13.x) requires;
the list of deployments is the list of locations, as for compose.
"""

from importlib.metadata import version
from pathlib import Path

import yaml

from repo_tooling.helm_values import helm_values
from repo_tooling.locations import Location, discover_locations
from tests.support.stack import ROOT

VALUES = yaml.safe_load((ROOT / "deploy" / "helm" / "values.yaml").read_text())


def test_there_is_one_user_deployment_per_location() -> None:
    locations = discover_locations(ROOT)
    deployments = VALUES["dagster-user-deployments"]["deployments"]

    assert [d["name"] for d in deployments] == [location.service for location in locations]
    for deployment, location in zip(deployments, locations, strict=True):
        args = deployment["codeServerArgs"]
        assert args[args.index("--module-name") + 1] == f"{location.name}.definitions"
        assert args[args.index("--location-name") + 1] == location.name
        assert deployment["image"]["repository"].endswith(f"/{location.service}")


def test_a_new_location_gets_a_deployment_of_its_own() -> None:
    teams = ["core", "features", "marketing"]
    locations = [Location(Path(f"/repo/location_{team}")) for team in teams]

    deployments = yaml.safe_load(helm_values(locations))["dagster-user-deployments"]["deployments"]

    assert [d["name"] for d in deployments] == [f"location-{team}" for team in teams]


def test_each_deployment_has_what_the_chart_requires_resources_and_probes() -> None:
    subchart = VALUES["dagster-user-deployments"]
    assert subchart["enabled"] is True
    assert subchart["enableSubchart"] is True
    for deployment in subchart["deployments"]:
        assert set(deployment["image"]) == {"repository", "tag", "pullPolicy"}
        assert isinstance(deployment["port"], int)
        assert deployment["includeConfigInLaunchedRuns"] == {"enabled": True}
        assert {"requests", "limits"} <= set(deployment["resources"])
        assert deployment["readinessProbe"]["enabled"] is True
        assert "exec" in deployment["readinessProbe"]
        assert deployment["startupProbe"]["enabled"] is True


def test_runs_are_kubernetes_jobs_with_resources() -> None:
    launcher = VALUES["runLauncher"]

    assert launcher["type"] == "K8sRunLauncher"
    config = launcher["config"]["k8sRunLauncher"]
    assert {"requests", "limits"} <= set(config["runK8sConfig"]["containerConfig"]["resources"])


def test_postgres_is_external_with_its_password_from_a_secret() -> None:
    postgres = VALUES["postgresql"]

    assert postgres["enabled"] is False
    assert {"postgresqlHost", "postgresqlUsername", "postgresqlDatabase"} <= set(postgres)
    assert postgres["service"]["port"] == 5432
    assert "postgresqlPassword" not in postgres
    assert VALUES["generatePostgresqlPasswordSecret"] is False
    assert VALUES["global"]["postgresqlSecretName"]


def test_object_storage_settings_come_from_a_secret_everywhere() -> None:
    secret = [{"name": "platform-object-storage"}]

    assert VALUES["dagsterWebserver"]["envSecrets"] == secret
    assert VALUES["dagsterDaemon"]["envSecrets"] == secret
    assert VALUES["runLauncher"]["config"]["k8sRunLauncher"]["envSecrets"] == secret
    for deployment in VALUES["dagster-user-deployments"]["deployments"]:
        assert deployment["envSecrets"] == secret
    assert VALUES["computeLogManager"]["type"] == "S3ComputeLogManager"
    assert VALUES["computeLogManager"]["config"]["s3ComputeLogManager"]["bucket"]


def test_the_platform_images_match_the_pinned_dagster() -> None:
    pinned = version("dagster")

    assert VALUES["dagsterWebserver"]["image"]["tag"] == pinned
    assert VALUES["dagsterDaemon"]["image"]["tag"] == pinned
    queue = VALUES["dagsterDaemon"]["runCoordinator"]
    assert queue["type"] == "QueuedRunCoordinator"
    assert queue["config"]["queuedRunCoordinator"]["maxConcurrentRuns"] >= 1


def test_no_secret_value_is_written_in_the_values() -> None:
    text = (ROOT / "deploy" / "helm" / "values.yaml").read_text().lower()

    for word in ("password:", "secret_access_key", "aws_access_key_id:"):
        assert word not in text
