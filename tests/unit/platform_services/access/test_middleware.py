"""Which requests change state: the mutation fields of a GraphQL body."""

import pytest

from platform_services.access.middleware import mutation_fields


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
def test_mutation_fields(body: bytes, fields: list[str] | None) -> None:
    assert mutation_fields(body) == fields
