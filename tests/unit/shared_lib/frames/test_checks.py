"""Frame checks: schema requirements and violation counts, evaluated in one pass."""

import polars as pl
import pytest

from shared_lib import evaluate_checks, has_columns, no_nulls, non_empty, unique, values_between

FRAME = pl.DataFrame({"user_id": [1, 2, 2], "p": [0.1, None, 1.2], "name": ["a", "b", "c"]})


@pytest.mark.parametrize("lazy", [False, True], ids=["DataFrame", "LazyFrame"])
def test_counts_violations_of_each_check(lazy: bool) -> None:
    frame = FRAME.lazy() if lazy else FRAME
    checks = [non_empty(), unique("user_id"), no_nulls("p"), values_between("p", 0.0, 1.0)]

    outcomes, _ = evaluate_checks(frame, checks)

    assert [(o.check.name, o.violations, o.passed) for o in outcomes] == [
        ("non_empty", 0, True),
        ("user_id_is_unique", 1, False),
        ("no_nulls_in_p", 1, False),
        ("p_in_range", 1, False),
    ]


def test_an_empty_frame_fails_non_empty() -> None:
    outcomes, _ = evaluate_checks(FRAME.clear(), [non_empty()])

    assert outcomes[0].problem == "the frame is empty"


def test_required_columns_name_what_is_missing_or_mistyped() -> None:
    outcomes, _ = evaluate_checks(
        FRAME, [has_columns({"user_id": pl.Int64, "p": pl.Float64, "churn": None})]
    )
    assert (
        outcomes[0].problem == "missing column(s) ['churn']; the frame has ['user_id', 'p', 'name']"
    )

    outcomes, _ = evaluate_checks(FRAME, [has_columns({"name": pl.Float64})])
    assert outcomes[0].problem == "name is String, expected Float64"


def test_a_check_that_cannot_run_on_the_frame_fails_with_the_reason() -> None:
    outcomes, _ = evaluate_checks(FRAME, [values_between("name", 0.0, 1.0), non_empty()])

    assert outcomes[0].problem.startswith("could not be evaluated:")
    assert outcomes[1].passed


def test_extra_expressions_ride_along_in_the_same_pass() -> None:
    _, stats = evaluate_checks(FRAME.lazy(), [non_empty()], extra=[pl.len().alias("rows")])

    assert stats == {"rows": 3}
