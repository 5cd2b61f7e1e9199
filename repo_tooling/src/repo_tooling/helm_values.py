"""``deploy/helm/values.yaml``: values for Dagster's official Helm chart, a deployment per location.

Every location's image is built with ``INSTANCE=kubernetes`` (deploy/location.Dockerfile), so its
runs carry the K8s run launcher and S3 step logs the values below configure (docs/kubernetes.md).
"""

from collections.abc import Sequence
from typing import Any

from repo_tooling.locations import GENERATED, Location
from repo_tooling.yaml_writer import dump

DAGSTER_VERSION = "1.13.27"
"""The Dagster release the platform pins; the official chart has the same version."""
HELM_REGISTRY = "registry.example.com/dagster-platform"
"""Placeholder for the registry the images are pushed to (docs/kubernetes.md replaces it)."""
HELM_OBJECT_STORAGE_SECRET = "platform-object-storage"
HELM_POSTGRES_SECRET = "platform-postgresql"
CODE_SERVER_RESOURCES = {
    "requests": {"cpu": "250m", "memory": "512Mi"},
    "limits": {"cpu": "1", "memory": "1Gi"},
}
RUN_RESOURCES = {
    "requests": {"cpu": "500m", "memory": "1Gi"},
    "limits": {"cpu": "2", "memory": "4Gi"},
}


def helm_values(locations: Sequence[Location]) -> str:
    """Values for ``dagster/dagster``: external Postgres, K8sRunLauncher, S3, a deployment each."""
    secret_env = [{"name": HELM_OBJECT_STORAGE_SECRET}]
    deployments = [
        {
            "name": location.service,
            "image": {
                "repository": f"{HELM_REGISTRY}/{location.service}",
                "tag": "latest",
                "pullPolicy": "Always",
            },
            "codeServerArgs": [
                "--module-name",
                f"{location.name}.definitions",
                "--location-name",
                location.name,
            ],
            "port": 3030,
            "includeConfigInLaunchedRuns": {"enabled": True},
            "envSecrets": secret_env,
            "resources": CODE_SERVER_RESOURCES,
            # The platform's health check: serving *and* its definitions loaded.
            "readinessProbe": {
                "enabled": True,
                "exec": {
                    "command": ["python", "-m", "platform_services.code_server_health", "3030"]
                },
                "periodSeconds": 20,
                "timeoutSeconds": 10,
                "failureThreshold": 3,
            },
            "startupProbe": {
                "enabled": True,
                "exec": {"command": ["dagster", "api", "grpc-health-check", "-p", "3030"]},
                "periodSeconds": 10,
                "failureThreshold": 30,
            },
        }
        for location in locations
    ]
    official = {"repository": "docker.io/dagster/dagster-celery-k8s", "tag": DAGSTER_VERSION}

    def platform_service(memory_limit: str) -> dict[str, Any]:
        """The webserver's or the daemon's: the official image, the secrets, resources."""
        return {
            "image": {**official, "pullPolicy": "IfNotPresent"},
            "envSecrets": secret_env,
            "resources": {
                "requests": {"cpu": "250m", "memory": "512Mi"},
                "limits": {"cpu": "1", "memory": memory_limit},
            },
        }

    values: dict[str, Any] = {
        "global": {"postgresqlSecretName": HELM_POSTGRES_SECRET},
        "generatePostgresqlPasswordSecret": False,
        "postgresql": {
            "enabled": False,
            "postgresqlHost": "postgres.example.internal",
            "postgresqlUsername": "dagster",
            "postgresqlDatabase": "dagster",
            "postgresqlScheme": "postgresql+psycopg2",
            "postgresqlParams": {"connect_timeout": 10},
            "service": {"port": 5432},
        },
        "dagsterWebserver": platform_service(memory_limit="1Gi"),
        "dagsterDaemon": {
            **platform_service(memory_limit="2Gi"),
            "runCoordinator": {
                "enabled": True,
                "type": "QueuedRunCoordinator",
                "config": {
                    "queuedRunCoordinator": {"maxConcurrentRuns": 4, "dequeueIntervalSeconds": 1}
                },
            },
            "runMonitoring": {
                "enabled": True,
                "startTimeoutSeconds": 300,
                "pollIntervalSeconds": 10,
            },
            "runRetries": {"enabled": True, "maxRetries": 1, "retryOnAssetOrOpFailure": False},
        },
        "dagster-user-deployments": {
            "enabled": True,
            "enableSubchart": True,
            "deployments": deployments,
        },
        "runLauncher": {
            "type": "K8sRunLauncher",
            "config": {
                "k8sRunLauncher": {
                    "envSecrets": secret_env,
                    "runK8sConfig": {"containerConfig": {"resources": RUN_RESOURCES}},
                }
            },
        },
        "computeLogManager": {
            "type": "S3ComputeLogManager",
            "config": {
                "s3ComputeLogManager": {
                    "bucket": "platform",
                    "prefix": "compute-logs",
                    "region": "us-east-1",
                }
            },
        },
        "telemetry": {"enabled": False},
    }
    return (
        f"# Values for Dagster's official Helm chart dagster/dagster {DAGSTER_VERSION}\n"
        f"# ({GENERATED}).\n"
        "# One user deployment per location. docs/kubernetes.md has the commands: push the\n"
        f"# images, create the Secrets {HELM_POSTGRES_SECRET} and {HELM_OBJECT_STORAGE_SECRET},\n"
        f"# replace {HELM_REGISTRY} with your registry, helm upgrade --install.\n"
        "# No cluster ran these values here (docs/kubernetes.md says what was verified).\n"
        + dump(values)
    )
