"""Definition load: import + Definitions + validate_loadable, standard_asset vs plain @asset.

Each measurement is a fresh interpreter (so imports count), for N generated assets.
Run: .venv/bin/python -m bench.definition_load [--repeats 5] [--sizes 100,1000,5000]
"""

import functools

from bench.harness import command_line, in_subprocess, interleaved, median, print_table

LOAD = """
import json, resource, sys, time
started = time.perf_counter()
import dagster as dg
from bench.graphs import build
defs = dg.Definitions(assets=build(int(sys.argv[1]), sys.argv[2]))
dg.Definitions.validate_loadable(defs)
seconds = time.perf_counter() - started
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))
"""


def main() -> None:
    args = command_line(repeats=5, sizes="100,1000,5000")
    rows = []
    for n in args.sizes:
        contenders = {
            flavor: functools.partial(in_subprocess, LOAD, str(n), flavor)
            for flavor in ("plain", "platform")
        }
        results = interleaved(contenders, repeats=args.repeats)
        plain_s, ours_s = (
            median(results["plain"], "seconds"),
            median(results["platform"], "seconds"),
        )
        plain_mb, ours_mb = (
            median(results["plain"], "peak_mb"),
            median(results["platform"], "peak_mb"),
        )
        rows.append(
            [
                n,
                plain_s,
                ours_s,
                ours_s / plain_s,
                1000 * ours_s / n,
                plain_mb,
                ours_mb,
                ours_mb / plain_mb,
            ]
        )
    print_table(
        "Definition load (import + Definitions + validate_loadable), median of "
        f"{args.repeats} after a warm-up",
        ["assets", "@asset s", "standard_asset s", "time ratio", "ours ms/asset",
         "@asset peak MB", "ours peak MB", "memory ratio"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
