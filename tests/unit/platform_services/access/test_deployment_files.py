"""The authenticated mode's deployment files agree: compose and Kubernetes run the same entry
point on the same socket, the webserver publishes no port, the proxies forward to the socket."""

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[4]
SOCKET = "/run/dagster-ui/webserver.sock"


def load(path: str) -> Any:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!reset", lambda loader, node: None)  # compose's reset tag
    return list(yaml.load_all((ROOT / path).read_text(), Loader=Loader))


def test_compose_runs_the_entry_point_on_the_socket_and_publishes_only_the_proxy() -> None:
    (override,) = load("deploy/compose.authenticated.yaml")
    webserver = override["services"]["webserver"]

    assert webserver["command"][:2] == ["platform-webserver", f"--socket={SOCKET}"]
    assert webserver["ports"] is None  # !reset: the open mode's published port is removed
    assert "ui-socket:/run/dagster-ui" in webserver["volumes"]
    assert "ui-socket:/run/dagster-ui" in override["services"]["auth-proxy"]["volumes"]
    # A token issued while it runs must reach it: the directory is mounted, not the file.
    assert "./.access:/opt/dagster/access-secrets:ro" in webserver["volumes"]


def test_kubernetes_runs_the_same_with_only_the_proxy_container_listening() -> None:
    deployment, service = load("deploy/helm/authenticated-webserver.yaml")
    pod = deployment["spec"]["template"]["spec"]
    containers = {container["name"]: container for container in pod["containers"]}

    assert containers["webserver"]["command"][:2] == ["platform-webserver", f"--socket={SOCKET}"]
    assert "ports" not in containers["webserver"]
    assert [port["containerPort"] for port in containers["auth-proxy"]["ports"]] == [8080]
    for container in containers.values():
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        assert mounts["ui-socket"] == "/run/dagster-ui"
    assert {"name": "ui-socket", "emptyDir": {}} in pod["volumes"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_both_caddyfiles_forward_to_the_socket_and_strip_client_identity_headers() -> None:
    for name in ("password", "sso"):
        caddyfile = (ROOT / "deploy" / "auth-proxy" / f"{name}.Caddyfile").read_text()
        assert f"reverse_proxy unix/{SOCKET}" in caddyfile, name
        assert "request_header -X-Platform-Sign-In" in caddyfile, name
    password = (ROOT / "deploy" / "auth-proxy" / "password.Caddyfile").read_text()
    for header in ("X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups"):
        assert f"request_header -{header}" in password
