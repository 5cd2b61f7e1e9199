"""CPU of one code-server health check: the platform's (grpcio only) vs Dagster's own CLI.

Every code server's container runs a health check every 10 s, so its CPU is paid per location,
all the time. Both contenders ask a real code server (``dagster code-server start``, as in the
images) on this machine; each figure is CPU seconds of the checking process (user + system).
Run: .venv/bin/python -m bench.code_server_health [--repeats 10]
"""

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import command_line, interleaved, median, print_table
from platform_services.code_server_health import problem
from tests.support.stack import free_port

DEFINITIONS = "import dagster as dg\n\ndefs = dg.Definitions(assets=[dg.AssetSpec('one')])\n"
BIN = Path(sys.executable).parent


def cpu_of(command: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": used}


def main() -> None:
    repeats = command_line(repeats=10).repeats
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory, "definitions.py")
        source.write_text(DEFINITIONS)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "dagster"), "code-server", "start", "--python-file", str(source),
             "--host", "localhost", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            while problem(port):
                time.sleep(0.5)
            results = interleaved(
                {
                    "platform_services.code_server_health": lambda: cpu_of(
                        [sys.executable, "-m", "platform_services.code_server_health", str(port)]
                    ),
                    "dagster api grpc-health-check": lambda: cpu_of(
                        [str(BIN / "dagster"), "api", "grpc-health-check", "-p", str(port)]
                    ),
                },
                repeats,
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
    print_table(
        f"CPU per health check (median of {repeats})",
        ["check", "CPU s", "a core, at one check per 10 s"],
        [
            [name, f"{median(runs, 'cpu_s'):.3f}", f"{median(runs, 'cpu_s') / 10:.1%}"]
            for name, runs in results.items()
        ],
    )


if __name__ == "__main__":
    main()
