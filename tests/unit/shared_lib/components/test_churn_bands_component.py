"""ChurnBandsComponent: build_churn_band_asset declared in defs.yaml, with YAML mistakes named."""

import pytest
from dagster import AssetsDefinition

from shared_lib import build_churn_band_asset, contract
from tests.support.components import defs_from_yaml, load_error

USERS = contract("users")
SPECIAL_USERS = contract("users/special")

BANDS = """type: shared_lib.components.ChurnBandsComponent
attributes:
  upstream: {upstream}
  bands:
    - {{min: 0.7, max: 0.8}}
    - {{min: 0.9, max: 1.0}}
"""


def band_assets(defs) -> dict[str, AssetsDefinition]:
    return {
        a.key.to_user_string(): a
        for a in defs.assets
        if isinstance(a, AssetsDefinition) and a.key.path[0].startswith("churn_")
    }


@pytest.mark.parametrize("contract", [USERS, SPECIAL_USERS], ids=["users", "users/special"])
def test_makes_exactly_the_assets_the_python_factory_makes(contract) -> None:
    expected = [
        build_churn_band_asset(contract, 0.7, 0.8),
        build_churn_band_asset(contract, 0.9, 1.0),
    ]

    with defs_from_yaml(bands=BANDS.format(upstream=contract.key.to_user_string())) as defs:
        built = band_assets(defs)

    assert set(built) == {a.key.to_user_string() for a in expected}
    for python_asset in expected:
        yaml_asset = built[python_asset.key.to_user_string()]
        yaml_spec, python_spec = yaml_asset.get_asset_spec(), python_asset.get_asset_spec()
        assert yaml_spec.group_name == python_spec.group_name
        assert yaml_spec.partitions_def == python_spec.partitions_def
        assert yaml_spec.description == python_spec.description
        assert yaml_asset.dependency_keys == python_asset.dependency_keys
        assert yaml_asset.check_keys == python_asset.check_keys


def test_a_band_outside_zero_to_one_names_the_file_the_field_and_the_fix() -> None:
    broken = BANDS.format(upstream="users").replace("{min: 0.9, max: 1.0}", "{min: 0.9, max: 1.2}")

    message = load_error(bands=broken)

    assert "bands/defs.yaml:4 - attributes.bands" in message
    assert "band {min: 0.9, max: 1.2} is not a band of probabilities" in message
    assert "e.g. {min: 0.7, max: 0.8}" in message


def test_an_unknown_field_names_the_file_and_the_field() -> None:
    broken = BANDS.format(upstream="users").replace("bands:", "bandz:")

    message = load_error(bands=broken)

    assert "attributes.bandz at " in message
    assert "bands/defs.yaml" in message
    assert "Extra inputs are not permitted" in message


def test_an_upstream_that_names_no_asset_fails_naming_the_reader_and_the_fix() -> None:
    message = load_error(bands=BANDS.format(upstream="userz"))

    assert "Asset churn_0p7_to_0p8/userz (" in message
    assert "bands/defs.yaml:" in message
    assert "reads userz, which no asset of this location defines" in message
    assert "published: ['churn_model', 'users', 'users/special']" in message
