"""``platform-webserver``: Dagster's webserver in the authenticated mode.

Dagster's own app (UI and GraphQL) with the platform's sign-in, per-location roles and audit
log, listening on a Unix socket only: nothing on the network reaches it but the proxy that
shares the socket's volume (deploy/compose.authenticated.yaml). It refuses to start, before
serving anything, if the access files are invalid or name a location the workspace lacks.

    platform-webserver --workspace workspace.yaml --access-dir access --socket /run/ui/web.sock
    platform-webserver health --socket /run/ui/web.sock      # the container's health check
"""

import argparse
import http.client
import logging
import socket
import sys
from pathlib import Path

from platform_services.access.access_files import AccessFileError, read_access_dir
from platform_services.access.identity import TokenRegistry
from platform_services.access.policy import AccessPolicy

LOGGER = logging.getLogger("platform.webserver")


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def health(socket_path: str) -> int:
    """0 if the webserver answers ``/server_info`` on its socket."""
    connection = _UnixConnection(socket_path, timeout=5)
    try:
        connection.request("GET", "/server_info")
        return 0 if connection.getresponse().status == 200 else 1
    except OSError as error:
        print(f"webserver not answering on {socket_path}: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()


def serve(arguments: argparse.Namespace) -> int:
    # Dagster's webserver is imported here: the health check must stay light.
    import uvicorn
    from dagster import DagsterInstance
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster_webserver.version import __version__

    from platform_services.access.dagster_webserver_internals import (
        AuthenticatedWebserver,
        RoleScopedProcessContext,
        verify_dagster_permissions,
    )
    from platform_services.access.middleware import AccessMiddleware

    verify_dagster_permissions()
    try:
        platform, teams = read_access_dir(Path(arguments.access_dir))
        tokens = TokenRegistry.read(Path(arguments.tokens) if arguments.tokens else None)
    except (AccessFileError, ValueError) as error:
        print(f"platform-webserver: not starting: {error}", file=sys.stderr)
        return 2
    instance = DagsterInstance.get()
    instance.optimize_for_webserver(15000, 3600, 20)  # dagster-webserver's defaults
    target = WorkspaceFileTarget(paths=[arguments.workspace])
    with RoleScopedProcessContext(
        instance, workspace_load_target=target, version=__version__
    ) as process_context:
        try:
            policy = AccessPolicy.build(platform, teams, process_context.location_names())
        except AccessFileError as error:
            print(f"platform-webserver: not starting: {error}", file=sys.stderr)
            return 2
        LOGGER.info(
            "roles of %d teams over %s; %d automation tokens",
            len(policy.teams), ", ".join(process_context.location_names()), len(tokens),
        )  # fmt: skip
        app = AuthenticatedWebserver(
            process_context,
            AccessMiddleware,
            policy=policy,
            tokens=tokens,
            locations_of=process_context.locations_of,
        ).create_asgi_app()
        uvicorn.run(app, uds=arguments.socket, log_level=arguments.log_level)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="platform-webserver", description=__doc__.split("\n")[0])
    parser.add_argument("--socket", required=True, help="the Unix socket to listen on")
    subcommands = parser.add_subparsers(dest="command")
    subcommands.add_parser("health", help="exit 0 if the webserver answers on its socket")
    parser.add_argument("--workspace", default="workspace.yaml")
    parser.add_argument("--access-dir", default="access", help="the access/ files (README)")
    parser.add_argument("--tokens", help="issued automation tokens (scripts/access add-token)")
    parser.add_argument("--log-level", default="warning")
    arguments = parser.parse_args(argv)
    platform_logs = logging.getLogger("platform")  # the audit lines and the start-up summary
    platform_logs.setLevel(logging.INFO)
    platform_logs.addHandler(logging.StreamHandler(sys.stderr))
    platform_logs.propagate = False
    if arguments.command == "health":
        return health(arguments.socket)
    return serve(arguments)


if __name__ == "__main__":
    sys.exit(main())
