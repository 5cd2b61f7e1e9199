"""Scale: 5 000 assets across the two code locations (bench/scale_definitions.py).

Measures how long the code servers take to come up, how long the UI's asset catalog query takes
through GraphQL, and how long the daemon's automation ticks take over the 2 500 automated assets.
Uses its own stack (dagster-platform-scale) and removes it afterwards.
Run: .venv/bin/python -m bench.scale [--assets 5000] [--repeats 5]
"""

import argparse
import statistics
import time

from bench.harness import print_table
from bench.stack import bench_stack
from tests.support.stack import Stack, wait_until

CATALOG = """
{ assetNodes { assetKey { path } groupName isMaterializable dependencyKeys { path }
               repository { location { name } } automationCondition { label } } }
"""
TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { ticks(limit: 25) { timestamp endTimestamp status } } }
  }
}
"""


def catalog_seconds(stack: Stack, repeats: int) -> tuple[float, int]:
    timings, count = [], 0
    for _ in range(repeats + 1):
        started = time.monotonic()
        count = len(stack.graphql(CATALOG)["assetNodes"])
        timings.append(time.monotonic() - started)
    return statistics.median(timings[1:]), count


def tick_seconds(stack: Stack, location: str, wanted: int) -> list[float]:
    selector = {
        "repositoryLocationName": location,
        "repositoryName": "__repository__",
        "sensorName": "default_automation_condition_sensor",
    }

    def finished_ticks() -> list[float] | None:
        ticks = stack.graphql(TICKS, {"selector": selector})["sensorOrError"]["sensorState"][
            "ticks"
        ]
        done = [t["endTimestamp"] - t["timestamp"] for t in ticks if t["endTimestamp"]]
        return done if len(done) >= wanted else None

    return wait_until(finished_ticks, timeout=1800, what=f"{wanted} automation ticks", every=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    stack = bench_stack("dagster-platform-scale", overlay=True, assets=args.assets)
    stack.compose("down", "--volumes", "--remove-orphans")
    try:
        stack.compose("build")
        started = time.monotonic()
        stack.compose("up", "--detach", "--wait", "--wait-timeout", "1200")
        wait_until(lambda: stack.location_is_loaded("location_features"), 600, "both locations")
        up_seconds = time.monotonic() - started
        catalog, count = catalog_seconds(stack, args.repeats)
        ticks = tick_seconds(stack, "location_features", args.repeats + 1)
        rows = [
            [f"up -> both locations loaded ({args.assets} assets)", up_seconds],
            [f"asset catalog through GraphQL ({count} asset nodes)", catalog],
            ["automation tick, features location (median)", statistics.median(ticks[:-1])],
            ["automation tick, features location (max)", max(ticks[:-1])],
        ]
        print_table(
            f"Scale: {args.assets} assets across two code locations", ["what", "seconds"], rows
        )
    finally:
        stack.compose("down", "--volumes", "--remove-orphans")


if __name__ == "__main__":
    main()
