"""UpstreamContractsComponent: the other teams' published assets a location reads, in YAML."""

from dagster import AssetSpec

from shared_lib import contract
from tests.support.components import defs_from_yaml, load_error

USERS = contract("users")
CHURN_MODEL = contract("churn_model")

UPSTREAMS = """type: shared_lib.components.UpstreamContractsComponent
attributes:
  contracts: [{names}]
"""


def test_adds_each_contracts_spec_to_the_location() -> None:
    with defs_from_yaml(upstreams=UPSTREAMS.format(names="users, churn_model")) as defs:
        specs = {a.key: a for a in defs.assets if isinstance(a, AssetSpec)}

    assert set(specs) == {USERS.key, CHURN_MODEL.key}
    assert specs[USERS.key].partitions_def == USERS.spec.partitions_def
    assert specs[USERS.key].group_name == USERS.spec.group_name


def test_a_name_that_is_no_published_contract_names_the_file_and_the_published_ones() -> None:
    message = load_error(upstreams=UPSTREAMS.format(names="userz"))
    assert "upstreams/defs.yaml:3 - attributes.contracts" in message
    assert "no published contract is named ['userz']" in message
    assert "['churn_model', 'users', 'users/special']" in message
