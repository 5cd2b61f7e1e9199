"""Deployment: cold builds and image sizes, up -> healthy, run latency vs the floor, and a
100-asset cross-location refresh end to end.

The floor of a run is what no orchestrator can avoid: a container of the location's image
starting, importing dagster and loading the location's definitions. Uses its own stack
(dagster-platform-bench) and removes it afterwards.
Run: .venv/bin/python -m bench.deployment [--repeats 5] [--skip-cold-build]
"""

import argparse
import statistics
import subprocess
import time

from bench.harness import print_table
from bench.stack import bench_stack
from tests.support.stack import Stack, docker, wait_until

SERVICES = {
    "location-core": "location-core",
    "location-features": "location-features",
    "migrate": "dagster",
}
ONE_ASSET = {"ops": {"user_history": {"config": {"n_users": 1_000}}}}


def cold_builds(stack: Stack) -> list[list[object]]:
    """Each image built from nothing (no images, no build cache), one after the other."""
    for image in SERVICES.values():
        subprocess.run(
            ["docker", "image", "rm", "--force", stack.image(image)], capture_output=True
        )
    docker("builder", "prune", "--all", "--force")
    rows = []
    for service, image in SERVICES.items():
        started = time.monotonic()
        stack.compose("build", service)
        seconds = time.monotonic() - started
        size = int(docker("image", "inspect", "--format", "{{.Size}}", stack.image(image)))
        rows.append([stack.image(image), seconds, size / 1e6])
    return rows


def floor_seconds(stack: Stack, image: str, command: str) -> float:
    started = time.monotonic()
    docker("run", "--rm", "--network", stack.name, image, "python", "-c", command)
    return time.monotonic() - started


def run_latencies(stack: Stack, repeats: int) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {
        "queued -> started": [],
        "started -> success": [],
        "total": [],
    }
    for _ in range(repeats + 1):
        run = stack.wait_for_run(
            stack.launch("location_core", assets=[["user_history"]], run_config=ONE_ASSET)
        )
        assert run["status"] == "SUCCESS", run
        latencies["queued -> started"].append(run["startTime"] - run["creationTime"])
        latencies["started -> success"].append(run["endTime"] - run["startTime"])
        latencies["total"].append(run["endTime"] - run["creationTime"])
    return {name: values[1:] for name, values in latencies.items()}  # first is the warm-up


def cross_location_refresh(stack: Stack) -> dict[str, float]:
    """Materialize the 50 core assets; time until automation has refreshed all 50 features."""
    launched = time.time()
    core = stack.wait_for_run(stack.launch("location_core"))
    assert core["status"] == "SUCCESS", core

    def all_refreshed() -> float | None:
        runs = [
            r
            for r in stack.runs()
            if r["creationTime"] > launched
            and r["repositoryOrigin"]["repositoryLocationName"] == "location_features"
        ]
        done = {
            "/".join(m["assetKey"]["path"])
            for r in runs
            if r["status"] == "SUCCESS"
            for m in r["assetMaterializations"]
        }
        if len([key for key in done if key.startswith("feature_")]) < 50:
            return None
        return max(r["endTime"] for r in runs if r["status"] == "SUCCESS")

    finished = wait_until(all_refreshed, timeout=600, what="all 50 features refreshed", every=2)
    return {
        "core run (50 assets)": core["endTime"] - core["creationTime"],
        "core done -> 50 features refreshed": finished - core["endTime"],
        "end to end": finished - launched,
    }


def serves_bench_assets(stack: Stack) -> bool:
    """Whether the webserver has picked up the generated locations (not the teams' ones)."""
    nodes = stack.graphql("{ assetNodes { assetKey { path } } }")["assetNodes"]
    keys = {"/".join(node["assetKey"]["path"]) for node in nodes}
    return {"core_49", "feature_49"} <= keys and "users" not in keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-cold-build", action="store_true")
    args = parser.parse_args()
    stack = bench_stack("dagster-platform-bench")
    stack.compose("down", "--volumes", "--remove-orphans")
    try:
        if args.skip_cold_build:
            stack.compose("build")
        else:
            print_table("Cold image builds", ["image", "build s", "size MB"], cold_builds(stack))
        started = time.monotonic()
        stack.compose("up", "--detach", "--wait", "--wait-timeout", "600")
        up_seconds = time.monotonic() - started

        image = stack.image("location-core")
        floors = {
            "container start (python -c pass)": [
                floor_seconds(stack, image, "pass") for _ in range(args.repeats)
            ],
            "+ import dagster + load definitions": [
                floor_seconds(stack, image, "import dagster, location_core.definitions")
                for _ in range(args.repeats)
            ],
        }
        latencies = run_latencies(stack, args.repeats)
        floor = statistics.median(floors["+ import dagster + load definitions"])
        rows = [["docker compose up -> all healthy", up_seconds, ""]]
        rows += [[name, statistics.median(values), ""] for name, values in floors.items()]
        rows += [
            [f"one-asset run: {name}", statistics.median(values), statistics.median(values) / floor]
            for name, values in latencies.items()
        ]

        stack.compose_files = ["docker-compose.yml", "bench/compose.scale.yml"]
        stack.compose(
            "up",
            "--detach",
            "--wait",
            "--wait-timeout",
            "600",
            "location-core",
            "location-features",
        )
        wait_until(
            lambda: stack.location_is_loaded("location_features"), 300, "the bench locations"
        )
        rows += [
            [f"100-asset refresh: {k}", v, ""] for k, v in cross_location_refresh(stack).items()
        ]
        print_table(
            f"Deployment latencies (seconds), median of {args.repeats}; ratio = run time / floor",
            ["what", "seconds", "x floor"],
            rows,
        )
    finally:
        stack.compose("down", "--volumes", "--remove-orphans")


if __name__ == "__main__":
    main()
