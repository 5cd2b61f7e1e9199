"""The compose deployment's generated parts: workspace.yaml, code servers, object-storage mode.

* ``workspace.yaml``: one gRPC code server per location, for the webserver and the daemon
  (mounted into their containers, so a new location rebuilds no platform image);
* the marked blocks of ``docker-compose.yml``: one code-server service per location, and the
  list of locations that makes compose restart the webserver and daemon when it changes;
* the object-storage mode (``deploy/object-storage.env`` selects it): the compose override
  ``deploy/compose.object-storage.yaml`` (an S3 server, every location and its runs on it, no
  data volume, images built with ``INSTANCE=docker-s3``) and ``deploy/dagster.object-storage.yaml``
  (``dagster.yaml`` with step logs on the same store).
"""

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from repo_tooling.locations import GENERATED, Location
from repo_tooling.yaml_writer import MERGE, Alias, Anchored, Reset, dump
from shared_lib.storage.settings import (
    ACCESS_KEY_ENV,
    DATA_DIR_ENV,
    ENDPOINT_ENV,
    REGION_ENV,
    SECRET_KEY_ENV,
)

CODE_SERVER_PORT = 4000
PYTHON_IMAGE_ARG = "${PYTHON_IMAGE:-python:3.11-slim-bookworm}"
OBJECT_STORAGE_INSTANCE = "docker-s3"
"""The ``INSTANCE`` build argument of the object-storage mode's images (requirements/instance-*)."""
COMPUTE_LOG_BUCKET_ENV = "OBJECT_STORAGE_BUCKET_NAME"
"""The bucket of the step logs, read by ``deploy/dagster.object-storage.yaml``."""

OBJECT_STORAGE_COMPOSE_ENV = {
    DATA_DIR_ENV: "s3://${OBJECT_STORAGE_BUCKET:-platform}/assets",
    ENDPOINT_ENV: "${OBJECT_STORAGE_ENDPOINT:-http://object-storage:8333}",
    ACCESS_KEY_ENV: "${OBJECT_STORAGE_ACCESS_KEY:-platform}",
    SECRET_KEY_ENV: "${OBJECT_STORAGE_SECRET_KEY:-platform-secret}",
    REGION_ENV: "${OBJECT_STORAGE_REGION:-us-east-1}",
    COMPUTE_LOG_BUCKET_ENV: "${OBJECT_STORAGE_BUCKET:-platform}",
}
"""What every Dagster process and run reads in object-storage mode, by the names shared_lib reads
(:mod:`shared_lib.storage.settings`), with compose's values from ``.env``."""


def image(service: str) -> str:
    return f"${{PLATFORM_NAME:-dagster-platform}}/{service}:${{PLATFORM_TAG:-local}}"


def workspace_yaml(locations: Sequence[Location]) -> str:
    entries = [
        {
            "grpc_server": {
                "host": location.service,
                "port": CODE_SERVER_PORT,
                "location_name": location.name,
            }
        }
        for location in locations
    ]
    return (
        f"# The code locations the webserver and daemon serve ({GENERATED}).\n"
        "# Mounted into their containers: a new location restarts them, it rebuilds nothing.\n"
        + dump({"load_from": entries})
    )


def compose_locations_list(locations: Sequence[Location]) -> str:
    names = ",".join(location.name for location in locations)
    return dump({"x-platform-locations": Anchored("platform-locations", names)})


def compose_code_servers(locations: Sequence[Location]) -> str:
    """One service per location, built from its image recipe; the rest is ``x-code-server``."""
    services = {
        location.service: {
            MERGE: Alias("code-server"),
            "image": image(location.service),
            "build": {
                "context": ".",
                "dockerfile": "deploy/location.Dockerfile",
                "args": {"PYTHON_IMAGE": PYTHON_IMAGE_ARG, "LOCATION": location.name},
            },
            "environment": {
                MERGE: Alias("postgres-env"),
                "DAGSTER_CURRENT_IMAGE": image(location.service),
                "DAGSTER_CONTAINER_CONTEXT": Alias("run-container-context"),
            },
        }
        for location in locations
    }
    return dump(services, indent=2) if services else ""


COMPOSE_BLOCKS: dict[str, Callable[[Sequence[Location]], str]] = {
    "locations": compose_locations_list,
    "code servers": compose_code_servers,
}


def docker_compose(text: str, locations: Sequence[Location], path: Path) -> str:
    """``docker-compose.yml``'s ``text`` with its generated blocks filled in from ``locations``."""
    for name, render in COMPOSE_BLOCKS.items():
        text = _replace_block(text, name, render(locations), path)
    return text


def _replace_block(text: str, name: str, body: str, path: Path) -> str:
    begin = rf"^[ \t]*# BEGIN {re.escape(name)} \(generated[^\n]*\n"
    end = rf"^[ \t]*# END {re.escape(name)}\n"
    pattern = re.compile(f"({begin})(.*?)({end})", re.DOTALL | re.MULTILINE)
    if not pattern.search(text):
        raise ValueError(
            f"{path} has no '# BEGIN {name} (generated ...)' ... '# END {name}' block; restore "
            "it from git, the generator fills it in."
        )
    return pattern.sub(lambda m: m[1] + body + m[3], text, count=1)


def object_storage_compose(locations: Sequence[Location]) -> str:
    """The compose override of the object-storage mode: an S3 server, and no data volume."""
    run_context = (
        '{"docker": {"networks": ["${PLATFORM_NAME:-dagster-platform}"], '
        '"container_kwargs": {"volumes": []}}}'
    )
    instance = "./deploy/dagster.object-storage.yaml:/opt/dagster/home/dagster.yaml:ro"
    built_for_object_storage = {"args": {"INSTANCE": OBJECT_STORAGE_INSTANCE}}
    bucket_ready = {"object-storage-bucket": {"condition": "service_completed_successfully"}}
    platform_service: dict[str, Any] = {
        "environment": OBJECT_STORAGE_COMPOSE_ENV,
        "volumes": [instance],
        "depends_on": bucket_ready,
    }
    services: dict[str, Any] = {
        "object-storage": {
            "image": image("seaweedfs"),
            "build": {
                "context": ".",
                "dockerfile": "deploy/seaweedfs.Dockerfile",
                "args": {"PYTHON_IMAGE": PYTHON_IMAGE_ARG},
            },
            "security_opt": ["no-new-privileges:true"],
            "networks": ["platform"],
            "restart": "unless-stopped",
            "volumes": ["object-storage:/data"],
            "healthcheck": {
                "test": [
                    "CMD",
                    "python",
                    "-c",
                    "import urllib.request as u; "
                    "u.urlopen('http://127.0.0.1:8333/status', timeout=5)",
                ],
                "interval": "5s",
                "timeout": "5s",
                "start_period": "30s",
                "retries": 12,
            },
        },
        # Creates the bucket once the server answers (an S3 PUT on the bucket; idempotent).
        "object-storage-bucket": {
            "image": image("seaweedfs"),
            "pull_policy": "never",
            "networks": ["platform"],
            "restart": "no",
            "command": [
                "python",
                "-c",
                "import urllib.request as u; u.urlopen(u.Request("
                "'http://object-storage:8333/${OBJECT_STORAGE_BUCKET:-platform}', "
                "method='PUT'), timeout=30)",
            ],
            "depends_on": {"object-storage": {"condition": "service_healthy"}},
        },
        # The platform image, built by migrate, with the object-storage mode's instance.
        "migrate": {"build": built_for_object_storage},
        "webserver": platform_service,
        "daemon": platform_service,
        "webserver-readonly": platform_service,
    }
    for location in locations:
        services[location.service] = {
            "build": built_for_object_storage,
            "volumes": Reset(),
            "environment": {
                **OBJECT_STORAGE_COMPOSE_ENV,
                "DAGSTER_CONTAINER_CONTEXT": run_context,
            },
            "depends_on": bucket_ready,
        }
    document = {
        "services": services,
        "volumes": {
            "object-storage": {"name": "${PLATFORM_NAME:-dagster-platform}-object-storage"}
        },
    }
    return (
        f"# The object-storage mode ({GENERATED}).\n"
        "# Selected by configuration, not by editing files:\n"
        "#   docker compose --env-file deploy/object-storage.env up -d --build --wait\n"
        "# Every location and every run keeps its assets on S3 (an in-stack SeaweedFS by default;\n"
        "# OBJECT_STORAGE_* in .env point elsewhere); runs get no data volume; step logs go to\n"
        "# the same store (deploy/dagster.object-storage.yaml), so the images are built with\n"
        f"# INSTANCE={OBJECT_STORAGE_INSTANCE} "
        f"(requirements/instance-{OBJECT_STORAGE_INSTANCE}.txt).\n" + dump(document)
    )


def object_storage_instance(dagster_yaml: str) -> str:
    """``dagster.yaml`` with step logs on the object store and the storage settings for runs."""
    config = yaml.safe_load(dagster_yaml)
    config["compute_logs"] = {
        "module": "dagster_aws.s3.compute_log_manager",
        "class": "S3ComputeLogManager",
        "config": {
            "bucket": {"env": COMPUTE_LOG_BUCKET_ENV},
            "prefix": "compute-logs",
            "endpoint_url": {"env": ENDPOINT_ENV},
            "region": {"env": REGION_ENV},
            "local_dir": "/tmp/dagster-compute-logs",
            "upload_interval": 5,
        },
    }
    env_vars = config["run_launcher"]["config"]["env_vars"]
    config["run_launcher"]["config"]["env_vars"] = [
        *env_vars,
        *[name for name in OBJECT_STORAGE_COMPOSE_ENV if name not in env_vars],
    ]
    return (
        f"# dagster.yaml in the object-storage mode ({GENERATED}, from dagster.yaml):\n"
        "# step logs on the object store; its settings passed on to every run.\n" + dump(config)
    )
