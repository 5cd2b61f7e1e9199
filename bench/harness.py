"""Measure two contenders fairly: warm-up, interleaved repeats, medians, a printed table."""

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

Measurement = dict[str, float]


def command_line(
    repeats: int, sizes: str | None = None, *, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Every benchmark's options: ``--repeats`` (and ``--sizes``, comma-separated, as a list)."""
    parser = parser or argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=repeats)
    if sizes is not None:
        parser.add_argument("--sizes", default=sizes)
    args = parser.parse_args()
    if sizes is not None:
        args.sizes = [int(size) for size in args.sizes.split(",")]
    return args


def interleaved(
    contenders: dict[str, Callable[[], Measurement]], repeats: int, warmup: int = 1
) -> dict[str, list[Measurement]]:
    """Run each contender ``warmup`` times unrecorded, then ``repeats`` rounds A, B, A, B, ..."""
    for _ in range(warmup):
        for measure in contenders.values():
            measure()
    results: dict[str, list[Measurement]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, measure in contenders.items():
            results[name].append(measure())
    return results


def median(measurements: Sequence[Measurement], key: str) -> float:
    return statistics.median(m[key] for m in measurements)


def in_subprocess(code: str, *args: str, python: str = sys.executable) -> Measurement:
    """Run ``code`` in a fresh interpreter; it must print one JSON object of measurements."""
    output = subprocess.run(
        [python, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A Markdown table, ready to paste into docs/benchmarks.md."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(_cell(value) for value in row) + " |")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)
