"""The authenticated mode on the running stack, through its real proxy: who may do what.

The volume-mode stack switches to the authenticated mode for this module (its webserver
recreated with the override, the proxy started) and back to the open mode after it.
"""

import json
import re
import secrets
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError
from playwright.sync_api import Browser, sync_playwright

from platform_services.access.roles import Role
from tests.e2e.test_deployment import chromium_executable, dismiss_welcome_dialog
from tests.support.access_matrix import Location, Matrix, every_cell, summary
from tests.support.stack import ARTIFACTS, Stack, docker, wait_until

pytestmark = pytest.mark.e2e

OVERRIDE = "deploy/compose.authenticated.yaml"
DOCKER_DNS = "0B00007F:"
"""127.0.0.11 as /proc/net/tcp writes it."""
USERS = {
    "admin": Role.ADMIN,
    "core-launcher": Role.LAUNCHER,
    "core-editor": Role.EDITOR,
    "features-launcher": Role.LAUNCHER,
    "features-editor": Role.EDITOR,
    "guest": Role.VIEWER,
}
TEAM_OF = {"core-launcher": "core", "core-editor": "core",
           "features-launcher": "features", "features-editor": "features"}  # fmt: skip
ACCESS_FILES = {
    "core.yaml": "team: core\nmembers: [core-launcher, core-editor, ci-core]\n"
    "sso_groups: [data-core]\npeople: {core-editor: {location_core: editor}}\n",
    "features.yaml": "team: features\nmembers: [features-launcher, features-editor]\n"
    "people: {features-editor: {location_features: editor}}\n",
}
LOCATIONS = {
    "core": Location(
        name="location_core",
        job="__ASSET_JOB",
        launched_asset=["churn_model"],
        partitioned_asset=["users", "special"],
        partition="A",
        wiped_asset=["churn_0p9_to_1p0", "users"],
        sensor="platform_stuck_runs",
        schedule="users_nightly",
    ),
    "features": Location(
        name="location_features",
        job="__ASSET_JOB",
        launched_asset=["features", "tenure_years"],
        partitioned_asset=["features", "special", "tenure_years"],
        partition="A",
        wiped_asset=["features", "spend_profile"],
        sensor="platform_stuck_runs",
    ),
}
RUN = "query R($id: ID!) { runOrError(runId: $id) { ... on Run { status tags { key value } } } }"
TERMINATE = "mutation T($id: String!) { terminateRun(runId: $id) { __typename } }"
LAUNCH = """
mutation L($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }
"""


@dataclass
class Authenticated:
    """The stack in its authenticated mode: the proxy's URL, each user's password, a token."""

    stack: Stack
    url: str
    passwords: dict[str, str]
    token: str

    def post(self, user: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        response = requests.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": dict(variables)},
            auth=(user, self.passwords[user]),
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def run(self, run_id: str) -> dict[str, Any]:
        """A run's status and tags, as an admin reads them through the proxy."""
        return self.post("admin", RUN, {"id": run_id})["runOrError"]

    def audit_lines(self) -> list[str]:
        logs = self.stack.compose("logs", "--no-log-prefix", "webserver")  # stdout and stderr
        return [line for line in logs.splitlines() if line.startswith("audit ")]


def authenticated_mode(stack: Stack) -> Stack:
    return Stack(stack.name, stack.ui_port, stack.env_files, stack.settings,
                 compose_files=["docker-compose.yml", OVERRIDE], root=stack.root)  # fmt: skip


@pytest.fixture(scope="module")
def authenticated(stack: Stack) -> Iterator[Authenticated]:
    """The accounts, the token and the mode made as the README says, with scripts/access."""
    for name, text in ACCESS_FILES.items():
        (stack.root / "access" / name).write_text(text)
    passwords = {user: secrets.token_urlsafe(16) for user in USERS}
    for user, password in passwords.items():
        scripts_access(stack, "add-user", user, "--password-stdin", stdin=f"{password}\n")
    token = scripts_access(stack, "add-token", "ci-core").splitlines()[1].strip()
    env_files = [arg for env_file in stack.env_files for arg in ("--env-file", env_file)]
    started = time.monotonic()
    scripts_access(stack, "up", *env_files)
    stack.timings["authenticated mode: scripts/access up"] = time.monotonic() - started
    url = f"http://127.0.0.1:{stack.settings['DAGSTER_AUTH_PROXY_PORT']}"
    try:
        yield Authenticated(stack, url, passwords, token)
    finally:
        authenticated_mode(stack).compose("rm", "--stop", "--force", "auth-proxy")
        stack.timed("open mode again: up", "up", "--detach", "--wait", "webserver")


def scripts_access(stack: Stack, *args: str, stdin: str | None = None) -> str:
    """``scripts/access`` in the stack's repository, for the stack's compose project."""
    result = subprocess.run(
        [str(stack.root / "scripts" / "access"), *args],
        cwd=stack.root, env=stack.environment, input=stdin, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, f"scripts/access {args[0]}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_only_the_proxy_is_published_and_the_webserver_listens_on_no_port(
    authenticated: Authenticated,
) -> None:
    services = authenticated.stack.services()
    published = {
        name: [(p["URL"], p["PublishedPort"]) for p in state["Publishers"] if p["PublishedPort"]]
        for name, state in services.items()
        if state["State"] == "running"
    }
    assert published.pop("auth-proxy") == [("127.0.0.1", int(authenticated.url.rsplit(":", 1)[1]))]
    assert all(ports == [] for ports in published.values()), published
    tables = authenticated.stack.exec(
        "webserver", "sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null || true"
    )
    rows = [line.split() for line in tables.splitlines() if line.strip()[:1].isdigit()]
    listening = [row[1] for row in rows if row[3] == "0A"]  # 0A: LISTEN
    # 127.0.0.11 is Docker's DNS resolver, which every container on a network has.
    assert [address for address in listening if not address.startswith(DOCKER_DNS)] == []


def test_no_identity_and_a_wrong_password_are_401(authenticated: Authenticated) -> None:
    url = authenticated.url
    assert requests.get(f"{url}/", timeout=30).status_code == 401
    assert (
        requests.post(f"{url}/graphql", json={"query": "{ version }"}, timeout=30).status_code
        == 401
    )
    wrong = requests.get(f"{url}/graphql?query=%7Bversion%7D", auth=("admin", "wrong"), timeout=30)
    assert wrong.status_code == 401
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert requests.post(f"{url}/graphql", json={"query": "{ version }"}, headers=bad_token,
                         timeout=30).status_code == 401  # fmt: skip


def test_every_role_may_do_exactly_its_actions_on_its_own_and_the_other_location(
    authenticated: Authenticated,
) -> None:
    matrix = Matrix(authenticated.post, admin="admin")
    cells = every_cell(matrix, USERS, TEAM_OF, LOCATIONS)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "access-matrix.md").write_text(summary(cells))

    assert [c for c in cells if not c.as_expected] == []
    audit = authenticated.audit_lines()
    assert any("user=features-launcher" in line and "location=location_core" in line
               and "decision=refused" in line for line in audit)  # fmt: skip
    assert any("user=core-editor" in line and "action=wipe_assets" in line
               and "decision=allowed" in line for line in audit)  # fmt: skip


def test_a_forged_identity_raises_nobody_s_rights(authenticated: Authenticated) -> None:
    url, stack = authenticated.url, authenticated.stack
    reload_workspace = {"query": "mutation { reloadWorkspace { __typename } }"}
    forged = {"X-Forwarded-User": "admin", "X-Forwarded-Groups": "admins",
              "X-Platform-Sign-In": "sso"}  # fmt: skip

    guest = ("guest", authenticated.passwords["guest"])
    as_guest = requests.post(f"{url}/graphql", json=reload_workspace, headers=forged, auth=guest,
                             timeout=60)  # fmt: skip
    assert as_guest.json()["data"]["reloadWorkspace"]["__typename"] == "UnauthorizedError"
    assert requests.post(f"{url}/graphql", json=reload_workspace, headers=forged,
                         timeout=60).status_code == 401  # fmt: skip
    assert authenticated.audit_lines()[-1].startswith("audit user=guest via=password ")

    # Team code runs in the code servers and run containers, on the compose network.
    probe = (
        "import json, sys, urllib.request, urllib.error\n"
        "out = {}\n"
        "for name, url in [('webserver', 'http://webserver:3000/graphql'),"
        " ('proxy', 'http://auth-proxy:8080/graphql')]:\n"
        "    request = urllib.request.Request(url, data=sys.argv[1].encode(), headers={"
        "'Content-Type': 'application/json', 'X-Forwarded-User': 'admin'})\n"
        "    try:\n"
        "        out[name] = urllib.request.urlopen(request, timeout=10).status\n"
        "    except urllib.error.HTTPError as error:\n"
        "        out[name] = error.code\n"
        "    except OSError as error:\n"
        "        out[name] = type(error).__name__\n"
        "print(json.dumps(out))\n"
    )
    for service in ("location-core", "location-features"):
        answers = json.loads(
            stack.exec(service, "python", "-c", probe, json.dumps(reload_workspace))
        )
        assert answers["proxy"] == 401, (service, answers)
        assert answers["webserver"] in ("URLError", "ConnectionRefusedError"), (service, answers)

    run_id = long_core_run(authenticated)
    container = wait_until(lambda: docker("ps", "--quiet", "--filter",
                                          f"label=dagster/run_id={run_id}").strip() or None,
                           timeout=120, what="the run's container starting")  # fmt: skip
    answers = json.loads(
        docker("exec", container, "python", "-c", probe, json.dumps(reload_workspace))
    )
    assert answers["proxy"] == 401, answers
    assert answers["webserver"] in ("URLError", "ConnectionRefusedError"), answers
    authenticated.post("admin", TERMINATE, {"id": run_id})


def long_core_run(authenticated: Authenticated) -> str:
    """A core run that keeps running for a while (two million users), launched by core."""
    params = {
        "selector": LOCATIONS["core"].selector(jobName="__ASSET_JOB",
                                               assetSelection=[{"path": ["user_history"]}]),
        "runConfigData": {"ops": {"user_history": {"config": {"n_users": 2_000_000}}}},
    }  # fmt: skip
    launched = authenticated.post("core-launcher", LAUNCH, {"p": params})["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def test_another_team_cannot_stop_a_running_run_and_its_team_can(
    authenticated: Authenticated,
) -> None:
    run_id = long_core_run(authenticated)
    wait_until(lambda: authenticated.run(run_id)["status"] == "STARTED", timeout=120,
               what="the core run started")  # fmt: skip
    terminate = """mutation T($id: String!) { terminateRun(runId: $id) {
      __typename ... on TerminateRunFailure { message } } }"""

    refused = authenticated.post("features-editor", terminate, {"id": run_id})["terminateRun"]
    after_refusal = authenticated.run(run_id)
    allowed = authenticated.post("core-launcher", terminate, {"id": run_id})["terminateRun"]

    assert refused == {"__typename": "TerminateRunFailure",
                       "message": "You do not have permission to terminate this run"}  # fmt: skip
    assert after_refusal["status"] == "STARTED"
    assert {"key": "user", "value": "core-launcher"} in after_refusal["tags"]
    assert allowed["__typename"] == "TerminateRunSuccess"
    wait_until(lambda: authenticated.run(run_id)["status"] == "CANCELED", timeout=120,
               what="the core run canceled")  # fmt: skip


def test_a_token_is_subject_to_its_name_s_roles(authenticated: Authenticated) -> None:
    """Automation as Dagster's own client does it: DagsterGraphQLClient with the token."""
    port = int(authenticated.url.rsplit(":", 1)[1])
    headers = {"Authorization": f"Bearer {authenticated.token}"}
    client = DagsterGraphQLClient("127.0.0.1", port_number=port, headers=headers)

    run_id = client.submit_job_execution(
        "__ASSET_JOB",
        repository_location_name="location_core",
        repository_name="__repository__",
        asset_selection=["churn_model"],
    )
    with pytest.raises(DagsterGraphQLClientError, match="Unauthorized"):
        client.submit_job_execution(
            "__ASSET_JOB",
            repository_location_name="location_features",
            repository_name="__repository__",
            asset_selection=[["features", "tenure_years"]],
        )

    assert {"key": "user", "value": "ci-core"} in authenticated.run(run_id)["tags"]
    authenticated.post("admin", TERMINATE, {"id": run_id})


def test_behind_an_sso_proxy_the_trusted_headers_sign_in_and_groups_give_the_team(
    authenticated: Authenticated,
) -> None:
    secret = secrets.token_urlsafe(24)
    sso = authenticated_mode(authenticated.stack)
    sso.settings = {**sso.settings, "PLATFORM_SIGN_IN": "sso", "PLATFORM_SSO_SHARED_SECRET": secret}
    sso.compose("up", "--detach", "--wait", "--force-recreate", "auth-proxy")
    try:
        query = {"query": "mutation R($n: String!) { reloadRepositoryLocation("
                 "repositoryLocationName: $n) { __typename } }"}  # fmt: skip
        person = {"X-Forwarded-User": "dana", "X-Forwarded-Email": "dana@example.com",
                  "X-Forwarded-Groups": "staff,data-core"}  # fmt: skip

        def reload(location: str, headers: dict[str, str]) -> requests.Response:
            body = {**query, "variables": {"n": location}}
            return requests.post(f"{authenticated.url}/graphql", json=body, headers=headers,
                                 timeout=60)  # fmt: skip

        without_secret = reload("location_core", person)
        with_secret = {**person, "X-Platform-SSO-Secret": secret}
        own = reload("location_core", with_secret).json()["data"]["reloadRepositoryLocation"]
        launch = LOCATIONS["core"].selector(jobName="__ASSET_JOB",
                                            assetSelection=[{"path": ["churn_model"]}])  # fmt: skip
        body = {"query": LAUNCH, "variables": {"p": {"selector": launch}}}
        launched = requests.post(f"{authenticated.url}/graphql", headers=with_secret, json=body,
                                 timeout=60)  # fmt: skip

        assert without_secret.status_code == 401
        # data-core makes dana a core Launcher: launching yes, reloading (Editor) no.
        assert own["__typename"] == "UnauthorizedError"
        run = launched.json()["data"]["launchPipelineExecution"]
        assert run["__typename"] == "LaunchRunSuccess", run
        assert any(line.startswith("audit user=dana via=sso teams=core ")
                   for line in authenticated.audit_lines())  # fmt: skip
        as_admin = {"X-Forwarded-User": "admin", "X-Platform-SSO-Secret": secret}
        stopped = requests.post(f"{authenticated.url}/graphql", headers=as_admin, timeout=60, json={
            "query": "mutation T($id: String!) { terminateRun(runId: $id) { __typename } }",
            "variables": {"id": run["run"]["runId"]}})  # fmt: skip
        assert stopped.json()["data"]["terminateRun"]["__typename"] != "UnauthorizedError"
    finally:
        authenticated_mode(authenticated.stack).compose(
            "up", "--detach", "--wait", "--force-recreate", "auth-proxy"
        )


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_executable(),
                                              headless=True, args=["--no-sandbox"])  # fmt: skip
        try:
            yield launched
        finally:
            launched.close()


def test_a_core_launcher_sees_materialize_enabled_on_core_and_disabled_on_features(
    authenticated: Authenticated, browser: Browser
) -> None:
    context = browser.new_context(
        viewport={"width": 1600, "height": 1000},
        http_credentials={"username": "core-launcher",
                          "password": authenticated.passwords["core-launcher"]},
    )  # fmt: skip
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    enabled = {}
    for asset in ("churn_model", "features/tenure_years"):
        page.goto(f"{authenticated.url}/assets/{asset}", wait_until="networkidle")
        dismiss_welcome_dialog(page)
        # Its accessible name starts with its icon's label: found by its text instead.
        materialize = page.locator("button").filter(has_text=re.compile(r"^Materialize$"))
        button = materialize.filter(visible=True).first
        screenshot = ARTIFACTS / f"access-{asset.replace('/', '-')}-core-launcher.png"
        try:
            button.wait_for(timeout=60_000)
        finally:
            page.screenshot(path=str(screenshot))
        enabled[asset] = button.is_enabled()
    context.close()

    assert enabled == {"churn_model": True, "features/tenure_years": False}
