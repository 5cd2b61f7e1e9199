"""Which requests change state: the mutation fields of a GraphQL body."""

import pytest

from platform_services.access.middleware import parse_mutation


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"query": "mutation { a { x } b { y } }"}', ["a", "b"]),
        (b'{"query": "query Q { a } mutation M { b { x } }", "operationName": "M"}', ["b"]),
        (b'{"query": "query Q { mutationCount }"}', None),
        (b'{"query": "mutation {"}', None),
        (b"not json mutation", None),
    ],
    ids=["two-fields", "named-operation", "a-query-naming-mutation", "invalid", "not-json"],
)
def test_the_mutation_fields(body: bytes, fields: list[str] | None) -> None:
    mutation = parse_mutation(body)
    assert (mutation.fields if mutation else None) == fields


def test_the_assets_a_wipe_names_inline_or_in_variables() -> None:
    inline = (
        b'{"query": "mutation { wipeAssets(assetPartitionRanges: '
        b'[{assetKey: {path: [\\"a\\", \\"b\\"]}}]) { __typename } }"}'
    )
    by_variable = (
        b'{"query": "mutation W($r: [PartitionsByAssetSelector!]!) { wipeAssets('
        b'assetPartitionRanges: $r) { __typename } }", "variables": {"r": '
        b'[{"assetKey": {"path": ["c"]}}, {"assetKey": {"path": ["d"]}}]}}'
    )

    assert parse_mutation(inline).wiped_assets == [["a", "b"]]  # type: ignore[union-attr]
    assert parse_mutation(by_variable).wiped_assets == [["c"], ["d"]]  # type: ignore[union-attr]
