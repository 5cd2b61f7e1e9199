"""Container health check of a code server: serving *and* its definitions loaded.

``dagster api grpc-health-check`` reports SERVING for a server whose definitions failed to import
(the error is only visible when the repositories are listed), so a location with broken code
would look healthy. Run as ``python -m platform_services.code_server_health [PORT]``; exits
non-zero with the load error when the location is not usable.

Cheap on purpose: it runs every 10 s in every code server's container. Importing dagster costs
~0.6 s of CPU, so a check through Dagster's client took 6 % of a core per location (a core and a
quarter at 20 locations, measured on this platform's 2-core CI host: the checks alone slowed
every test on the stack). This one asks the same two gRPC questions with grpcio and Dagster's
own generated message classes, loaded from their file without importing the dagster package,
and reads the serialized answer as JSON: ~0.09 s of CPU.
"""

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
from grpc_health.v1 import health_pb2

DEFAULT_PORT = 4000
TIMEOUT_SECONDS = 10
SERVICE = "DagsterApi"


def dagster_api_messages() -> ModuleType:
    """Dagster's generated ``dagster_api_pb2`` (protobuf only), without importing dagster."""
    package = importlib.util.find_spec("dagster")  # finds the package; runs none of its code
    if package is None or package.origin is None:
        raise ModuleNotFoundError("dagster is not installed in this environment")
    path = Path(package.origin).parent / "_grpc" / "__generated__" / "dagster_api_pb2.py"
    spec = importlib.util.spec_from_file_location("platform_services._dagster_api_pb2", path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no dagster_api_pb2 at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def problem(port: int = DEFAULT_PORT, host: str = "localhost") -> str | None:
    """Why the code server on ``host:port`` cannot serve its location, or ``None`` if it can."""
    where = f"code server on {host}:{port}"
    with grpc.insecure_channel(f"{host}:{port}") as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        try:
            status = check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=TIMEOUT_SECONDS)
        except grpc.RpcError as error:
            return f"{where} does not answer: {error.code().name}"
        if status.status != health_pb2.HealthCheckResponse.SERVING:
            name = health_pb2.HealthCheckResponse.ServingStatus.Name(status.status)
            return f"{where} is {name}"
        messages = dagster_api_messages()
        list_repositories = channel.unary_unary(
            f"/api.{SERVICE}/ListRepositories",
            request_serializer=messages.ListRepositoriesRequest.SerializeToString,
            response_deserializer=messages.ListRepositoriesReply.FromString,
        )
        reply = list_repositories(messages.ListRepositoriesRequest(), timeout=TIMEOUT_SECONDS)
    answer = json.loads(reply.serialized_list_repositories_response_or_error)
    if answer.get("__class__") == "SerializableErrorInfo":
        return f"definitions failed to load: {error_text(answer)}"
    return None


def error_text(error: dict[str, Any]) -> str:
    """A serialized ``SerializableErrorInfo``: message, stack, and each error that caused it."""
    parts = [str(error.get("message", "")).rstrip(), "".join(error.get("stack") or []).rstrip()]
    cause = error.get("cause")
    if isinstance(cause, dict):
        parts.append(f"The above exception was caused by:\n{error_text(cause)}")
    return "\n".join(part for part in parts if part)


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else DEFAULT_PORT
    found = problem(port)
    if found:
        print(found, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
