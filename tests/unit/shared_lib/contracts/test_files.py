"""Contract files: a producing team's published assets as validated data, read by shared_lib."""

from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from dagster import AssetKey, FreshnessPolicy, asset, materialize

from shared_lib import PolarsParquetIOManager, contract, published_contracts, standard_asset
from shared_lib.contracts.files import (
    CONTRACTS_DIR_ENV,
    ContractFileError,
    contracts_dir,
    parse_contract_file,
    read_contract_files,
)
from shared_lib.contracts.published import CONTRACT_VERSION, contract_from_file
from shared_lib.errors import AssetDefinitionError
from tests.support.stack import ROOT

MINIMAL = """
team: sales
location: location_sales
owners: [team:sales]
assets:
  - key: sales/orders
    version: 1.2.0
    description: Orders.
    columns:
      order_id: {type: Int64, nullable: false}
"""


def test_shared_lib_reads_the_teams_files_in_contracts() -> None:
    assert contracts_dir() == ROOT / "contracts"
    assert set(read_contract_files(ROOT / "contracts")) >= {"core.yaml"}
    assert {"users", "users/special", "churn_model"} <= set(published_contracts())


def test_an_installed_shared_lib_finds_the_repositorys_contracts_above_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As from a wheel in site-packages: nothing above the package, the repository above the cwd.
    (tmp_path / "contracts").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'platform'\n")
    (tmp_path / "location_sales" / "src").mkdir(parents=True)
    monkeypatch.delenv(CONTRACTS_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path / "location_sales" / "src")

    assert contracts_dir() == tmp_path / "contracts"


def test_the_contracts_directory_setting_wins_as_in_every_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONTRACTS_DIR_ENV, str(tmp_path / "published"))

    assert contracts_dir() == tmp_path / "published"


def test_the_image_recipe_sets_the_contracts_directory_where_it_copies_them() -> None:
    recipe = (ROOT / "deploy" / "location.Dockerfile").read_text()

    assert f"{CONTRACTS_DIR_ENV}=/opt/platform/contracts" in recipe
    assert "COPY contracts /opt/platform/contracts" in recipe


def test_shared_lib_code_holds_no_teams_contract() -> None:
    sources = {p: p.read_text() for p in (ROOT / "shared_lib" / "src").rglob("*.py")}

    for path, source in sources.items():
        for column in ("signup_date", "support_tickets_90d"):  # only core's users have them
            assert column not in source, path
        if path.name != "published.py":
            assert "define_contract(" not in source, path


def test_a_published_asset_carries_owner_version_and_freshness_to_its_spec() -> None:
    spec = contract("users").spec

    assert spec.owners == ["team:core"]
    assert spec.metadata[CONTRACT_VERSION] == "1.0.0"
    assert spec.freshness_policy == FreshnessPolicy.time_window(
        fail_window=timedelta(hours=26), warn_window=timedelta(hours=20)
    )


def test_non_nullable_columns_become_a_blocking_no_nulls_check() -> None:
    checks = {check.name: check for check in contract("churn_model").checks}

    assert set(checks["no_nulls_in_non_nullable_columns"].columns) == {
        "feature",
        "weight",
        "mean",
        "scale",
    }
    assert checks["no_nulls_in_non_nullable_columns"].blocking


def test_a_minimal_file_parses() -> None:
    parsed = parse_contract_file(MINIMAL, "contracts/sales.yaml")

    assert parsed.assets[0].key == "sales/orders"
    assert parsed.assets[0].major == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("Int64", "Integer"),
            r"assets\.0\.columns\.order_id\.type: .*unknown column type 'Integer'",
        ),
        (("1.2.0", "v1"), r"assets\.0\.version: .*not MAJOR\.MINOR\.PATCH"),
        (("owners: [team:sales]", "owner: team:sales"), r"owner: Extra inputs are not permitted"),
        (("key: sales/orders", "key: sales//orders"), r"assets\.0\.key: .*not an asset key"),
        (("    columns:", "    freshness: {fail_after: soon}\n    columns:"), r"not a duration"),
    ],
    ids=["column type", "version", "unknown field", "key", "duration"],
)
def test_a_wrong_file_fails_naming_the_file_and_the_field(
    edit: tuple[str, str], message: str
) -> None:
    with pytest.raises(ContractFileError, match=rf"contracts/sales\.yaml: .*{message}"):
        parse_contract_file(MINIMAL.replace(*edit), "contracts/sales.yaml")


def test_an_asset_published_by_two_teams_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sales.yaml").write_text(MINIMAL)
    (tmp_path / "billing.yaml").write_text(MINIMAL.replace("team: sales", "team: billing"))

    with pytest.raises(ContractFileError, match="sales/orders is published in both"):
        read_contract_files(tmp_path)


def test_an_unpublished_key_names_the_published_ones() -> None:
    with pytest.raises(AssetDefinitionError, match=r"'user'; published: \[.*'users'"):
        contract("user")


def test_a_consumer_can_declare_the_columns_it_reads_but_only_published_ones() -> None:
    assert contract("users").reading("segment").columns_read == ("segment",)
    with pytest.raises(AssetDefinitionError, match="unpublished columns \\['segmnt'\\]"):
        contract("users").reading("segmnt")
    assert contract("users/special").key == AssetKey(["users", "special"])


def test_a_consumer_reads_a_version_stored_before_a_nullable_column_was_added(
    io_manager: PolarsParquetIOManager,
) -> None:
    grown = parse_contract_file(
        MINIMAL + "      coupon: {type: String}\n"
        "      channel: {type: String, nullable: false, default: web}\n",
        "contracts/sales.yaml",
    )
    orders = contract_from_file(grown.assets[0], grown)

    @asset(key=["sales", "orders"])
    def stored_before() -> pl.DataFrame:  # the producer's last run, before the columns existed
        return pl.DataFrame({"order_id": [1, 2]})

    @standard_asset(ins={"orders": orders})
    def order_channels(orders: pl.DataFrame) -> pl.DataFrame:
        return orders

    result = materialize([stored_before, order_channels], resources={"io_manager": io_manager})

    read = result.output_for_node("order_channels")
    assert read.to_dicts() == [
        {"order_id": 1, "coupon": None, "channel": "web"},
        {"order_id": 2, "coupon": None, "channel": "web"},
    ]
