"""`docker compose up`: both locations served, runs in their own containers, history in Postgres.

One stack for the whole module (see conftest): the tests run in file order and build on each
other's runs, as an operator's day would.
"""

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from repo_tooling.check_locations import duplicate_keys
from repo_tooling.locations import discover_locations
from tests.conftest import SCAFFOLDED_TEAM
from tests.support.stack import ARTIFACTS, Stack

pytestmark = pytest.mark.e2e

CORE_CONFIG = {
    "ops": {
        "user_history": {"config": {"n_users": 5_000}},
        "users__special": {"config": {"n_users_per_program": 1_000}},
    }
}
ALL_PROGRAMS = {
    "dagster/asset_partition_range_start": "A",
    "dagster/asset_partition_range_end": "B",
}

ASSET_GRAPH = """
{ assetNodes { assetKey { path } isMaterializable repository { location { name } }
               dependencyKeys { path } } }
"""
MATERIALIZATIONS = """
query Materializations($key: AssetKeyInput!) {
  assetOrError(assetKey: $key) { ... on Asset { assetMaterializations(limit: 1000) {
    runId partition
    metadataEntries { label ... on IntMetadataEntry { intValue } }
  } } }
}
"""
CAPTURED_LOGS = """
query Logs($runId: ID!) {
  logsForRun(runId: $runId, limit: 1000) { ... on EventConnection { events {
    __typename ... on LogsCapturedEvent { fileKey stepKeys }
  } } }
}
"""
LATEST_MATERIALIZATION = """
query Latest($key: AssetKeyInput!) {
  assetOrError(assetKey: $key) {
    ... on Asset { assetMaterializations(limit: 1) { runId timestamp } }
  }
}
"""
LOG_CONTENT = "query Content($key: [String!]!) { capturedLogs(logKey: $key) { stdout stderr } }"


@dataclass
class FirstRuns:
    core: dict[str, Any]
    features: dict[str, Any]


def row_counts(stack: Stack, key: list[str]) -> dict[tuple[str, str | None], int]:
    """``dagster/row_count`` of every materialization of ``key``, by (run id, partition)."""
    asset = stack.graphql(MATERIALIZATIONS, {"key": {"path": key}})["assetOrError"]
    return {
        (m["runId"], m["partition"]): next(
            e["intValue"] for e in m["metadataEntries"] if e["label"] == "dagster/row_count"
        )
        for m in asset["assetMaterializations"]
    }


def stored_rows(stack: Stack, service: str, relative_path: str) -> int:
    """Rows of a Parquet file on the shared data volume, read inside a code server's container."""
    script = (
        f"import polars as pl; print(pl.read_parquet('/opt/dagster/data/{relative_path}').height)"
    )
    return int(stack.exec(service, "python", "-c", script).strip())


def timed_run(stack: Stack, label: str, run_id: str) -> dict[str, Any]:
    run = stack.wait_for_run(run_id)
    stack.timings[f"run {label}: queued -> started"] = run["startTime"] - run["creationTime"]
    stack.timings[f"run {label}: started -> {run['status']}"] = run["endTime"] - run["startTime"]
    return run


@pytest.fixture(scope="module")
def first_runs(stack: Stack) -> FirstRuns:
    """Core's assets (every partition), then the features: one run per location."""
    core = timed_run(
        stack, "core", stack.launch("location_core", tags=ALL_PROGRAMS, run_config=CORE_CONFIG)
    )
    features = timed_run(stack, "features", stack.launch("location_features", tags=ALL_PROGRAMS))
    return FirstRuns(core, features)


def test_every_service_is_healthy(stack: Stack) -> None:
    services = stack.services()

    assert services["migrate"]["State"] == "exited"
    assert services["migrate"]["ExitCode"] == 0
    for name in ("postgres", "location-core", "location-features", "webserver", "daemon"):
        assert services[name]["Health"] == "healthy", services[name]


def test_every_code_location_is_loaded(stack: Stack) -> None:
    locations = {location.name for location in discover_locations(stack.root)}

    assert locations == {"location_core", "location_features", f"location_{SCAFFOLDED_TEAM}"}
    assert set(stack.locations()) == locations
    for location in locations:
        assert stack.location_is_loaded(location), location


PACKAGES = ("shared_lib", "platform_services", "repo_tooling", "hatchling")
MODE_PACKAGES = ("dagster_docker", "dagster_aws", "dagster_k8s")
"""What loading the instance needs per mode: Docker runs; S3 step logs; Kubernetes runs."""


def test_each_image_carries_only_what_it_runs_in_this_mode(stack: Stack) -> None:
    nothing_else = {"repo_tooling": False, "hatchling": False, "dagster_aws": False}
    for service in ("location-core", "location-features", f"location-{SCAFFOLDED_TEAM}"):
        found = stack.importable(service, [*PACKAGES, *MODE_PACKAGES])
        assert found == {
            **nothing_else,
            "shared_lib": True,
            "platform_services": True,
            "dagster_docker": True,
            "dagster_k8s": False,
        }, service
    found = stack.importable("webserver", [*PACKAGES, *MODE_PACKAGES])
    assert found == {
        **nothing_else,
        "shared_lib": False,
        "platform_services": True,
        "dagster_docker": True,
        "dagster_k8s": False,
    }


def test_no_asset_key_is_materialized_by_two_deployed_locations(stack: Stack) -> None:
    nodes = stack.graphql(ASSET_GRAPH)["assetNodes"]
    materialized: dict[str, list[tuple[str, str | None]]] = {}
    for node in nodes:
        if node["isMaterializable"]:
            location = node["repository"]["location"]["name"]
            materialized.setdefault(location, []).append(("/".join(node["assetKey"]["path"]), None))

    assert len(materialized) == 3
    assert duplicate_keys(materialized) == []


def test_the_asset_graph_has_edges_from_core_into_features(stack: Stack) -> None:
    nodes = stack.graphql(ASSET_GRAPH)["assetNodes"]
    core_assets = {
        tuple(n["assetKey"]["path"])
        for n in nodes
        if n["isMaterializable"] and n["repository"]["location"]["name"] == "location_core"
    }
    edges = {
        (tuple(dep["path"]), tuple(n["assetKey"]["path"]))
        for n in nodes
        if n["repository"]["location"]["name"] == "location_features" and n["isMaterializable"]
        for dep in n["dependencyKeys"]
        if tuple(dep["path"]) in core_assets
    }

    assert (("users",), ("features", "tenure_years")) in edges
    assert (("churn_model",), ("features", "churn_risk")) in edges
    assert (("users", "special"), ("features", "special", "engagement")) in edges


def test_each_location_runs_in_a_container_of_its_own_image(
    stack: Stack, first_runs: FirstRuns
) -> None:
    for run, location in (
        (first_runs.core, "location-core"),
        (first_runs.features, "location-features"),
    ):
        assert run["status"] == "SUCCESS"
        assert run["tags"]["dagster/image"] == stack.image(location)
        assert run["tags"]["docker/container_id"]
    assert (
        first_runs.core["tags"]["docker/container_id"]
        != first_runs.features["tags"]["docker/container_id"]
    )

    started = docker_container_starts(first_runs.core["creationTime"], time.time())
    for run, location in (
        (first_runs.core, "location-core"),
        (first_runs.features, "location-features"),
    ):
        assert started[run["runId"]] == stack.image(location)


def docker_container_starts(since: float, until: float) -> dict[str, str]:
    """The image of each run container the engine started in the window, by run id."""
    output = subprocess.run(
        [
            "docker",
            "events",
            "--since",
            str(int(since) - 1),
            "--until",
            str(int(until) + 1),
            "--filter",
            "type=container",
            "--filter",
            "event=start",
            "--format",
            "{{json .Actor}}",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    actors = [json.loads(line)["Attributes"] for line in output.splitlines() if line.strip()]
    return {a["dagster/run_id"]: a["image"] for a in actors if "dagster/run_id" in a}


def test_features_read_the_data_core_wrote(stack: Stack, first_runs: FirstRuns) -> None:
    core_run, features_run = first_runs.core["runId"], first_runs.features["runId"]
    users = row_counts(stack, ["users"])[(core_run, None)]
    special = row_counts(stack, ["users", "special"])

    assert users == 5_000 == stored_rows(stack, "location-core", "users.parquet")
    for feature in ("tenure_years", "churn_risk", "retention_priority"):
        assert row_counts(stack, ["features", feature])[(features_run, None)] == users
        for program in ("A", "B"):
            rows = row_counts(stack, ["features", "special", feature])[(features_run, program)]
            assert rows == special[(core_run, program)] == 1_000
            path = f"features/special/{feature}/{program}.parquet"
            assert stored_rows(stack, "location-features", path) == rows
    assert stored_rows(stack, "location-features", "features/churn_risk.parquet") == users


def test_a_scaffolded_location_runs_in_its_own_image_reading_cores_data(
    stack: Stack, first_runs: FirstRuns
) -> None:
    location, service = f"location_{SCAFFOLDED_TEAM}", f"location-{SCAFFOLDED_TEAM}"
    users = row_counts(stack, ["users"])[(first_runs.core["runId"], None)]

    run = timed_run(stack, "scaffolded location", stack.launch(location))

    assert run["status"] == "SUCCESS"
    assert run["tags"]["dagster/image"] == stack.image(service)
    materialized = {"/".join(m["assetKey"]["path"]) for m in run["assetMaterializations"]}
    assert materialized == {
        f"{SCAFFOLDED_TEAM}/engaged_users",
        f"{SCAFFOLDED_TEAM}/users_by_country",
    }
    engaged = stored_rows(stack, service, f"{SCAFFOLDED_TEAM}/engaged_users.parquet")
    assert 0 < engaged < users  # some of the users core wrote, read through the contract


def test_features_refresh_by_themselves_when_core_changes(
    stack: Stack, first_runs: FirstRuns
) -> None:
    # Dagster's eager condition treats a dependency update and the asset's own update within one
    # tick as handled; let the features' latest run settle into a tick before core changes.
    stack.wait_for_automation_tick("location_features", after=first_runs.features["endTime"])
    core = stack.wait_for_run(stack.launch("location_core", assets=[["users"]]))
    assert core["status"] == "SUCCESS"
    users_changed = latest_materialization(stack, ["users"])["timestamp"]

    deadline = time.monotonic() + 240
    while stale := [f for f in REFRESHED_BY_USERS if not refreshed_since(stack, f, users_changed)]:
        assert time.monotonic() < deadline, f"{stale} not refreshed within 240s of users changing"
        time.sleep(3)
    stack.timings["automation: users changed -> features refreshed"] = time.time() - users_changed


REFRESHED_BY_USERS = [
    ["features", "tenure_years"],
    ["features", "churn_risk"],
    ["features", "retention_priority"],
]


def latest_materialization(stack: Stack, key: list[str]) -> dict[str, Any]:
    asset = stack.graphql(LATEST_MATERIALIZATION, {"key": {"path": key}})["assetOrError"]
    latest = asset["assetMaterializations"][0]
    return {"runId": latest["runId"], "timestamp": float(latest["timestamp"]) / 1000}


def refreshed_since(stack: Stack, key: list[str], since: float) -> bool:
    """Whether ``key`` was materialized after ``since`` by a run the daemon launched on its own."""
    latest = latest_materialization(stack, key)
    if latest["timestamp"] <= since:
        return False
    run = stack.run(latest["runId"])
    return run["tags"].get("dagster/from_automation_condition") == "true"


def test_step_output_of_a_containerized_run_is_readable_in_the_ui(
    stack: Stack, first_runs: FirstRuns
) -> None:
    run_id = first_runs.core["runId"]
    events = stack.graphql(CAPTURED_LOGS, {"runId": run_id})["logsForRun"]["events"]
    captured = [e for e in events if e["__typename"] == "LogsCapturedEvent"]
    assert captured

    logs = stack.graphql(LOG_CONTENT, {"key": [run_id, "compute_logs", captured[0]["fileKey"]]})
    stderr = logs["capturedLogs"]["stderr"]
    assert "users: computing from churn_model (5 rows), user_history (5000 rows)" in stderr
    assert "users: 5000 rows x 10 columns" in stderr


def postgres_query(stack: Stack, sql: str) -> list[str]:
    output = stack.exec(
        "postgres", "sh", "-c", f'psql -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "{sql}"'
    )
    return output.splitlines()


def test_runs_and_materializations_are_stored_in_postgres(
    stack: Stack, first_runs: FirstRuns
) -> None:
    run_ids = [first_runs.core["runId"], first_runs.features["runId"]]
    ids = ",".join(f"'{run_id}'" for run_id in run_ids)

    statuses = postgres_query(stack, f"SELECT status FROM runs WHERE run_id IN ({ids})")
    materializations = postgres_query(
        stack,
        "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION' "
        f"AND run_id IN ({ids})",
    )

    assert statuses == ["SUCCESS", "SUCCESS"]
    assert int(materializations[0]) == len(first_runs.core["assetMaterializations"]) + len(
        first_runs.features["assetMaterializations"]
    )


@pytest.fixture(scope="module")
def restarted(stack: Stack, first_runs: FirstRuns) -> None:
    """The whole stack taken down (volumes kept) and brought up again."""
    stack.timed("down (volumes kept)", "down")
    stack.timed("up again to healthy", "up", "--detach", "--wait", "--wait-timeout", "300")


def test_history_survives_down_and_up(stack: Stack, first_runs: FirstRuns, restarted: None) -> None:
    for before in (first_runs.core, first_runs.features):
        after = stack.run(before["runId"])
        assert after["status"] == "SUCCESS"
        assert after["assetMaterializations"] == before["assetMaterializations"]
    assert (first_runs.core["runId"], None) in row_counts(stack, ["users"])
    assert stack.location_is_loaded("location_core")
    assert stack.location_is_loaded("location_features")


def test_the_ui_shows_assets_of_both_locations_in_a_browser(
    stack: Stack, first_runs: FirstRuns, restarted: None, browser_page: Page
) -> None:
    page = browser_page
    page.goto(f"{stack.url}/assets", wait_until="networkidle")
    dismiss_welcome_dialog(page)
    for location in ("location_core", "location_features"):
        page.get_by_text(location, exact=True).first.wait_for(timeout=60_000)

    lineage = "view=lineage&lineageScope=upstream&lineageDepth=6"
    page.goto(f"{stack.url}/assets/features/retention_priority?{lineage}", wait_until="networkidle")
    dismiss_welcome_dialog(page)
    for asset in ("user_history", "churn_model", "users", "customer_value", "retention_priority"):
        page.get_by_text(asset, exact=True).first.wait_for(timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "ui-asset-graph.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000


def dismiss_welcome_dialog(page: Page) -> None:
    """The first visit shows a 'Join the Dagster community' dialog over the page."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return
    skip.click()


def chromium_executable() -> str:
    """The host's Chromium; without one, the test is skipped (failed in CI)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        message = "Chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium


@pytest.fixture
def browser_page() -> Iterator[Page]:
    chromium = chromium_executable()
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=flags)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        try:
            yield page
        finally:
            browser.close()
