"""A hundred runs submitted at once: all succeed, never more than the limit run at a time, and
Postgres never runs out of connections."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.stack import Stack

pytestmark = pytest.mark.faults

RUNS = 100
LIMIT = 4  # DAGSTER_MAX_CONCURRENT_RUNS of the stack under test
IN_FLIGHT = ("STARTING", "STARTED", "CANCELING")
UNFINISHED = ("QUEUED", "NOT_STARTED", *IN_FLIGHT)
CONNECTIONS = "SELECT count(*), current_setting('max_connections') FROM pg_stat_activity"
CONFIG = {"ops": {"user_history": {"config": {"n_users": 500}}}}


def test_a_hundred_runs_at_once_all_succeed_within_the_concurrency_limit(stack: Stack) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        run_ids = list(
            pool.map(
                lambda _: stack.launch(
                    "location_core", assets=[["user_history"]], run_config=CONFIG
                ),
                range(RUNS),
            )
        )
    stack.timings[f"load: {RUNS} runs submitted"] = time.monotonic() - started

    most_running, most_connections, limit, samples = 0, 0, 0, 0
    pending = set(run_ids)
    deadline = time.monotonic() + 1800
    # Sampled every second, cheaply, so the sampling does not load the stack it measures: one
    # GraphQL query for every run not yet finished, one psql session for the connections.
    with stack.psql() as query:
        while pending:
            assert time.monotonic() < deadline, f"{len(pending)} runs unfinished after 30 minutes"
            unfinished = stack.run_statuses(UNFINISHED)
            running = sum(1 for status in unfinished.values() if status in IN_FLIGHT)
            ((now, limit),) = [row.split() for row in query(CONNECTIONS)]
            most_running = max(most_running, running)
            most_connections, limit = max(most_connections, int(now)), int(limit)
            samples += 1
            pending &= set(unfinished)
            time.sleep(1)
    stack.timings[f"load: {RUNS} runs submitted -> all finished"] = time.monotonic() - started
    stack.counts["load: most runs in flight at once"] = most_running
    stack.counts[f"load: most Postgres connections (of {limit})"] = most_connections

    statuses = {run["status"] for run in stack.runs(run_ids=run_ids)}
    assert statuses == {"SUCCESS"}
    assert samples > 10
    assert most_running <= LIMIT
    assert most_running == LIMIT, "the queue never used its full concurrency"
    assert most_connections < limit * 0.5, (most_connections, limit)
