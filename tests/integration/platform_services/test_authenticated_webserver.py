"""The authenticated webserver (``platform-webserver``) as a process, over its Unix socket:
sign-in required, every role x mutation on two teams' locations, the audit log, the run's
``user`` tag, and refusing to start on bad access files.

The locations are two tiny ones (access_workspace/); the instance has no daemon, so launched
runs stay queued. The same matrix runs on the compose stack through the real proxy
(tests/e2e/test_who_may_do_what.py).
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from platform_services.access.identity import hash_token
from platform_services.access.roles import Role
from tests.support.access_matrix import Location, Matrix, every_cell, summary
from tests.support.stack import ARTIFACTS

WORKSPACE = Path(__file__).parent / "access_workspace"
USERS = {
    "root": Role.ADMIN,
    "ada": Role.LAUNCHER,  # alpha
    "eve": Role.EDITOR,  # alpha, editor by name
    "bob": Role.LAUNCHER,  # beta
    "guest": Role.VIEWER,  # signed in, in no team
}
TEAM_OF = {"ada": "alpha", "eve": "alpha", "bob": "beta"}
TOKEN = "a-ci-token-for-team-alpha-0123456789abcdef"
LOCATIONS = {
    team: Location(
        name=f"location_{team}",
        job="__ASSET_JOB",
        launched_asset=[f"{team}_numbers"],
        partitioned_asset=[f"{team}_letters"],
        partition="a",
        wiped_asset=[f"{team}_numbers"],
        sensor=f"{team}_sensor",
        schedule=f"{team}_schedule",
    )
    for team in ("alpha", "beta")
}
ACCESS_FILES = {
    "platform.yaml": "admins: [root]\n",
    "alpha.yaml": (
        "team: alpha\nmembers: [ada, eve, ci-alpha]\npeople: {eve: {location_alpha: editor}}\n"
    ),
    "beta.yaml": "team: beta\nmembers: [bob]\n",
    "gamma.yaml": (  # a team with no location of its own, Editor on both
        "team: gamma\nmembers: [gil]\nroles: {location_alpha: editor, location_beta: editor}\n"
    ),
}


def write_access_files(directory: Path, files: Mapping[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def start(tmp: Path, access: Path) -> subprocess.Popen[str]:
    """The webserver, its stderr (start-up errors, the audit log) in ``tmp/webserver.log``."""
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text(
        "run_coordinator:\n  module: platform_services.access.run_tagging\n"
        "  class: UserTaggingRunCoordinator\ntelemetry: {enabled: false}\n"
    )
    (tmp / "tokens").write_text(f"ci-alpha {hash_token(TOKEN)}\n")
    command = [
        str(Path(sys.executable).parent / "platform-webserver"), "--socket", str(tmp / "web.sock"),
        "--workspace", str(WORKSPACE / "workspace.yaml"), "--access-dir", str(access),
        "--tokens", str(tmp / "tokens"),
    ]  # fmt: skip
    with (tmp / "webserver.log").open("w") as log:
        return subprocess.Popen(
            command,
            cwd=WORKSPACE,
            env={**os.environ, "DAGSTER_HOME": str(home)},
            stderr=log,
            text=True,
        )


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    tmp = tmp_path_factory.mktemp("authenticated")
    process = start(tmp, write_access_files(tmp / "access", ACCESS_FILES))
    log = tmp / "webserver.log"
    client = httpx.Client(transport=httpx.HTTPTransport(uds=str(tmp / "web.sock")),
                          base_url="http://webserver", timeout=60)  # fmt: skip
    deadline = time.monotonic() + 120
    while True:
        try:
            if client.get("/server_info").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the webserver did not answer within 120 s"
        time.sleep(0.5)
    try:
        yield client, log
    finally:
        process.terminate()
        process.wait(timeout=60)
        client.close()


def graphql(client: httpx.Client, headers: Mapping[str, str], query: str,
            variables: Mapping[str, Any] | None = None) -> httpx.Response:  # fmt: skip
    return client.post("/graphql", json={"query": query, "variables": variables or {}},
                       headers=headers)  # fmt: skip


def as_user(client: httpx.Client) -> Any:
    def post(user: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        response = graphql(client, {"x-forwarded-user": user}, query, variables)
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    return post


def test_no_identity_is_refused_with_401_except_the_health_check(
    webserver: tuple[httpx.Client, Path],
) -> None:
    client, _ = webserver
    assert graphql(client, {}, "{ version }").status_code == 401
    assert client.get("/").status_code == 401
    assert (
        graphql(client, {"authorization": "Bearer not-a-token"}, "{ version }").status_code == 401
    )
    assert client.get("/server_info").status_code == 200


def test_mutations_only_as_json_posts(webserver: tuple[httpx.Client, Path]) -> None:
    client, _ = webserver
    headers = {"x-forwarded-user": "root"}
    query = "mutation { reloadWorkspace { __typename } }"
    assert client.get("/graphql", params={"query": query}, headers=headers).status_code == 405
    encoded = "%6D%75%74%61%74%69%6F%6E { reloadWorkspace { __typename } }"  # "mutation"
    assert client.get(f"/graphql?query={encoded}", headers=headers).status_code == 405
    form = client.post("/graphql", params={"query": query}, headers=headers, data={"x": "1"})
    assert form.status_code == 415


def test_every_role_may_do_exactly_its_actions_on_each_location(
    webserver: tuple[httpx.Client, Path],
) -> None:
    client, _ = webserver
    matrix = Matrix(as_user(client), admin="root")
    cells = every_cell(matrix, USERS, TEAM_OF, LOCATIONS)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "access-matrix-integration.md").write_text(summary(cells))

    assert [c for c in cells if not c.as_expected] == []
    assert {c.action for c in cells} >= {"start schedule", "wipe asset", "reload workspace"}


def test_a_token_acts_as_its_name_with_the_same_roles(webserver: tuple[httpx.Client, Path]) -> None:
    client, _ = webserver
    matrix = Matrix(as_user(client), admin="root")
    headers = {"authorization": f"Bearer {TOKEN}"}

    def post(_: str, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        return graphql(client, headers, query, variables).json()["data"]

    token_matrix = Matrix(post, admin="root")
    token_matrix.as_admin = matrix.as_admin  # type: ignore[method-assign]
    own = token_matrix.launch("ci-alpha", LOCATIONS["alpha"])
    other = token_matrix.launch("ci-alpha", LOCATIONS["beta"])

    assert own["__typename"] == "LaunchRunSuccess"
    assert other["__typename"] == "UnauthorizedError"
    run = as_user(client)("root", "query R($id: ID!) { runOrError(runId: $id) { ... on Run "
                          "{ tags { key value } } } }", {"id": own["run"]["runId"]})  # fmt: skip
    assert {"key": "user", "value": "ci-alpha"} in run["runOrError"]["tags"]


def test_a_launched_run_carries_the_signed_in_user_not_the_one_the_client_claims(
    webserver: tuple[httpx.Client, Path],
) -> None:
    client, _ = webserver
    location = LOCATIONS["alpha"]
    params = {
        "selector": location.selector(
            jobName=location.job, assetSelection=[{"path": list(location.launched_asset)}]
        ),
        "executionMetadata": {"tags": [{"key": "user", "value": "root"}]},
    }
    launched = as_user(client)(
        "ada",
        "mutation L($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) { "
        "__typename ... on LaunchRunSuccess { run { tags { key value } } } } }",
        {"p": params},
    )["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    tags = launched["run"]["tags"]

    assert {"key": "user", "value": "ada"} in tags
    assert {"key": "user", "value": "root"} not in tags


def test_every_state_changing_request_is_one_audit_line(
    webserver: tuple[httpx.Client, Path],
) -> None:
    client, log = webserver
    post = as_user(client)
    post("bob", "mutation { reloadRepositoryLocation(repositoryLocationName: \"location_alpha\") "
         "{ __typename } }", {})  # fmt: skip
    post("eve", "mutation { reloadRepositoryLocation(repositoryLocationName: \"location_alpha\") "
         "{ __typename } }", {})  # fmt: skip
    post("reader", "{ version }", {})
    lines = [line for line in log.read_text().splitlines() if line.startswith("audit ")]

    assert (
        "audit user=bob via=password teams=beta request=reloadRepositoryLocation "
        "action=reload_repository_location location=location_alpha decision=refused"
    ) in lines
    assert (
        "audit user=eve via=password teams=alpha request=reloadRepositoryLocation "
        "action=reload_repository_location location=location_alpha decision=allowed"
    ) in lines
    assert not [line for line in lines if "user=reader" in line], "a read is not audited"


def test_wiping_assets_of_several_locations_at_once_is_for_admins_only(
    webserver: tuple[httpx.Client, Path],
) -> None:
    post = as_user(webserver[0])
    wipe = (
        "mutation W($keys: [PartitionsByAssetSelector!]!) { wipeAssets(assetPartitionRanges: "
        "$keys) { __typename } }"
    )
    both = [{"assetKey": {"path": [f"{team}_numbers"]}} for team in ("alpha", "beta")]

    assert post("gil", wipe, {"keys": both})["wipeAssets"]["__typename"] == "UnauthorizedError"
    for one in both:
        assert post("gil", wipe, {"keys": [one]})["wipeAssets"]["__typename"] == "AssetWipeSuccess"
    assert post("root", wipe, {"keys": both})["wipeAssets"]["__typename"] == "AssetWipeSuccess"


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ({"alpha.yaml": "team: alpha\nmembers: [ada\n"}, "alpha.yaml: not valid YAML"),
        (
            {"alpha.yaml": "team: alpha\nroles: {location_alpha: owner}\n"},
            "alpha.yaml: roles.location_alpha: Input should be 'viewer', 'launcher' or 'editor'",
        ),
        (
            {"alpha.yaml": "team: alpha\nroles: {location_gamma: editor}\n"},
            "alpha.yaml: roles.location_gamma: no code location 'location_gamma' in the workspace",
        ),
        (
            {
                "alpha.yaml": "team: alpha\nmembers: [ada]\n",
                "beta.yaml": "team: beta\nmembers: [ada]\n",
            },
            "beta.yaml: members: ada is also in team alpha",
        ),
        ({"alpha.yaml": "team: alpha\nmembrs: [ada]\n"}, "alpha.yaml: membrs: Extra inputs"),
    ],
    ids=["malformed", "unknown-role", "unknown-location", "two-teams-conflicting", "typo"],
)
def test_bad_access_files_stop_the_start_with_the_file_and_the_field(
    tmp_path: Path, files: dict[str, str], error: str
) -> None:
    process = start(tmp_path, write_access_files(tmp_path / "access", files))
    process.wait(timeout=180)
    stderr = (tmp_path / "webserver.log").read_text()

    assert process.returncode == 2
    assert "platform-webserver: not starting:" in stderr
    assert error in stderr
    assert not (tmp_path / "web.sock").exists(), "it listened before refusing"
