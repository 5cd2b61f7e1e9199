"""Container health check of a code server: serving *and* its definitions loaded.

``dagster api grpc-health-check`` reports SERVING for a server whose definitions failed to import
(the error is only visible when the repositories are listed), so a location with broken code
would look healthy. Run as ``python -m platform_services.code_server_health [PORT]``; exits non-zero
with the load error when the location is not usable.
"""

import sys

from dagster._grpc.client import DagsterGrpcClient
from dagster._grpc.types import ListRepositoriesResponse
from dagster._serdes import deserialize_value
from dagster._utils.error import SerializableErrorInfo

DEFAULT_PORT = 4000


def problem(port: int = DEFAULT_PORT, host: str = "localhost") -> str | None:
    """Why the code server on ``host:port`` cannot serve its location, or ``None`` if it can."""
    client = DagsterGrpcClient(port=port, host=host)
    status = client.health_check_query()
    if status != "SERVING":
        return f"code server on {host}:{port} is {status}"
    response = deserialize_value(
        client.list_repositories(), (ListRepositoriesResponse, SerializableErrorInfo)
    )
    if isinstance(response, SerializableErrorInfo):
        return f"definitions failed to load: {response.to_string()}"
    return None


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else DEFAULT_PORT
    found = problem(port)
    if found:
        print(found, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
