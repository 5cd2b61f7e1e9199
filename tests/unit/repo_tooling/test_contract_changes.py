"""The versioning rules: which contract changes break consumers, and which need a major version."""

from typing import Any

import pytest

from repo_tooling.contract_changes import compare_assets, compare_contract_files
from shared_lib.contracts.files import ContractFile, PublishedAsset

BASE: dict[str, Any] = {
    "key": "sales/orders",
    "version": "1.0.0",
    "description": "Orders.",
    "columns": {
        "order_id": {"type": "Int64", "nullable": False},
        "amount": {"type": "Float64", "nullable": False},
        "note": {"type": "String"},
    },
    "checks": [{"unique": "order_id"}],
}


def changed(**update: Any) -> PublishedAsset:
    return PublishedAsset.model_validate({**BASE, **update})


def columns(**edits: Any) -> dict[str, Any]:
    cols = {name: dict(spec) for name, spec in BASE["columns"].items()}
    for name, spec in edits.items():
        if spec is None:
            del cols[name]
        else:
            cols[name] = spec
    return cols


@pytest.mark.parametrize(
    ("head", "summary"),
    [
        (changed(columns=columns(amount=None)), "column amount (Float64) removed"),
        (
            changed(columns=columns(amount={"type": "String", "nullable": False})),
            "column amount retyped Float64 -> String",
        ),
        (changed(columns=columns(amount={"type": "Float64"})), "column amount made nullable"),
        (
            changed(columns=columns(region={"type": "String", "nullable": False})),
            "non-nullable column region (String) added",
        ),
        (
            changed(partitions={"static": ["EU", "US"], "column": "region"}),
            "partitions changed: none -> ['EU', 'US'] by region",
        ),
        (changed(checks=[]), "checks dropped: [{'unique': 'order_id'}]"),
        (changed(version="0.9.0"), "version went down: 1.0.0 -> 0.9.0"),
    ],
    ids=["removed", "retyped", "made nullable", "required added", "partitions", "check", "version"],
)
def test_breaking_changes(head: PublishedAsset, summary: str) -> None:
    found = compare_assets(changed(), head)

    assert [(c.summary, c.breaking) for c in found] == [(summary, True)]


@pytest.mark.parametrize(
    ("head", "summary"),
    [
        (changed(columns=columns(region={"type": "String"})), "nullable column region"),
        (
            changed(columns=columns(region={"type": "String", "nullable": False, "default": "EU"})),
            "defaulted column region",
        ),
        (changed(checks=[{"unique": "order_id"}, "non_empty"]), "checks added"),
        (changed(description="All orders."), "description changed"),
        (changed(freshness={"fail_after": "2h"}), "freshness changed"),
        (changed(columns=columns(note={"type": "String", "nullable": False})), "made non-nullable"),
    ],
    ids=["nullable added", "defaulted added", "check added", "description", "freshness", "tighter"],
)
def test_changes_that_break_no_consumer(head: PublishedAsset, summary: str) -> None:
    found = compare_assets(changed(), head)

    assert len(found) == 1
    assert summary in found[0].summary
    assert not found[0].breaking


def contract_file(*assets: PublishedAsset) -> ContractFile:
    return ContractFile(
        team="sales", location="location_sales", owners=["team:sales"], assets=list(assets)
    )


def test_a_breaking_change_is_refused_unless_the_major_version_goes_up() -> None:
    base = {"sales.yaml": contract_file(changed())}
    same_major = {
        "sales.yaml": contract_file(changed(columns=columns(amount=None), version="1.1.0"))
    }
    next_major = {
        "sales.yaml": contract_file(changed(columns=columns(amount=None), version="2.0.0"))
    }

    (refused,) = compare_contract_files(base, same_major)
    (allowed,) = compare_contract_files(base, next_major)

    assert refused.refused
    assert refused.touched_columns() == {"amount"}
    assert not allowed.refused
    assert allowed.breaking


def test_an_asset_no_longer_published_is_breaking_and_a_new_one_is_not_a_change() -> None:
    base = {"sales.yaml": contract_file(changed())}
    renamed = {"sales.yaml": contract_file(changed(key="sales/all_orders"))}

    (gone,) = compare_contract_files(base, renamed)

    assert gone.key == "sales/orders"
    assert gone.head_version is None
    assert gone.refused
    assert compare_contract_files(base, base) == []
