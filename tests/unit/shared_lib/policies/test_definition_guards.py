"""The guards a location's definitions pass as they load: every error names the file and fix."""

import polars as pl
import pytest
from dagster import AssetSpec, Definitions

from shared_lib import AssetDefinitionError, contract, standard_asset, with_platform_policies

USERS = contract("users")

THIS_FILE = __file__


def first() -> pl.DataFrame:
    return pl.DataFrame({"n": [1]})


def second() -> pl.DataFrame:
    return pl.DataFrame({"n": [2]})


def test_two_assets_with_one_key_name_both_places() -> None:
    assets = [standard_asset(key="numbers")(first), standard_asset(key="numbers")(second)]

    with pytest.raises(AssetDefinitionError, match="numbers is defined 2 times") as raised:
        with_platform_policies(Definitions(assets=assets))

    assert str(raised.value).count(THIS_FILE) == 2


def test_an_input_nobody_defines_names_the_reader_its_file_and_the_fix() -> None:
    @standard_asset(ins={"raw": "crm/raw_users"})
    def cleaned(raw: pl.DataFrame) -> pl.DataFrame:
        return raw

    with pytest.raises(AssetDefinitionError) as raised:
        with_platform_policies(Definitions(assets=[cleaned]))

    message = str(raised.value)
    assert f"Asset cleaned ({THIS_FILE}:" in message
    assert "reads crm/raw_users, which no asset of this location defines" in message
    assert "declare it here with dagster.AssetSpec" in message


def test_a_published_contract_that_is_read_joins_the_definitions_by_itself() -> None:
    @standard_asset(ins={"users": USERS})
    def loyal(users: pl.DataFrame) -> pl.DataFrame:
        return users

    defs = with_platform_policies(Definitions(assets=[loyal]))

    node = defs.resolve_asset_graph().get(USERS.key)
    assert not node.is_materializable
    assert node.partitions_def == USERS.spec.partitions_def


def test_an_external_asset_declared_with_a_spec_is_known() -> None:
    @standard_asset(ins={"raw": "crm/raw_users"})
    def cleaned(raw: pl.DataFrame) -> pl.DataFrame:
        return raw

    defs = with_platform_policies(Definitions(assets=[cleaned, AssetSpec(["crm", "raw_users"])]))

    assert defs.resolve_asset_graph().get(cleaned.key).parent_keys == {
        AssetSpec(["crm", "raw_users"]).key
    }
