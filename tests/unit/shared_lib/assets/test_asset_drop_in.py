"""standard_asset is a drop-in for dagster.asset: every behaviour here holds for both decorators.

Each test is parametrized over ``dagster.asset`` and ``standard_asset`` with the same
assertions, so any difference between them shows up as a failure of one of the two.
"""

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetsDefinition,
    Config,
    DagsterTypeCheckDidNotPass,
    DataVersion,
    InMemoryIOManager,
    MaterializeResult,
    Output,
    asset,
    build_asset_context,
    job,
    materialize,
)

from shared_lib import standard_asset
from tests.support.runs import check_results

DECORATORS = pytest.mark.parametrize("decorate", [asset, standard_asset], ids=["asset", "standard"])
Decorator = Callable[..., Any]
FRAME = pl.DataFrame({"user_id": [1, 2, 3]})


def run(*assets: AssetsDefinition, **kwargs: Any) -> tuple[Any, InMemoryIOManager]:
    """Materialize ``assets`` with an in-memory IO manager; return the result and the manager."""
    memory = InMemoryIOManager()
    result = materialize(list(assets), resources={"io_manager": memory}, **kwargs)
    return result, memory


def stored(memory: InMemoryIOManager) -> list[Any]:
    return list(memory.values.values())


def materialization(result: Any, key: str) -> Any:
    (event,) = [
        e.step_materialization_data.materialization
        for e in result.get_asset_materialization_events()
        if e.asset_key == AssetKey(key)
    ]
    return event


@DECORATORS
def test_a_bare_decorator_and_a_called_one_give_an_assets_definition(decorate: Decorator) -> None:
    def plain() -> int:
        return 1

    assert isinstance(decorate(plain), AssetsDefinition)
    assert isinstance(decorate()(plain), AssetsDefinition)
    assert isinstance(decorate(name="renamed")(plain), AssetsDefinition)


@DECORATORS
def test_a_materialize_result_without_value_records_metadata_and_tags_and_stores_nothing(
    decorate: Decorator,
) -> None:
    @decorate
    def reported() -> MaterializeResult:
        return MaterializeResult(metadata={"rows": 7}, tags={"source": "crm"})

    result, memory = run(reported)

    event = materialization(result, "reported")
    assert event.metadata["rows"].value == 7
    assert event.tags["source"] == "crm"
    assert stored(memory) == []


@DECORATORS
def test_a_materialize_result_with_a_value_stores_the_value_and_keeps_metadata_and_tags(
    decorate: Decorator,
) -> None:
    @decorate
    def valued() -> MaterializeResult:
        return MaterializeResult(value=[1, 2], metadata={"note": "hi"}, tags={"tier": "gold"})

    result, memory = run(valued)

    event = materialization(result, "valued")
    assert event.metadata["note"].value == "hi"
    assert event.tags["tier"] == "gold"
    assert stored(memory) == [[1, 2]]


@DECORATORS
def test_a_materialize_result_reports_its_data_version(decorate: Decorator) -> None:
    @decorate
    def versioned() -> MaterializeResult:
        return MaterializeResult(data_version=DataVersion("v7"))

    result, _ = run(versioned)

    assert materialization(result, "versioned").tags["dagster/data_version"] == "v7"


@DECORATORS
def test_a_materialize_result_reports_the_functions_own_check_results(
    decorate: Decorator,
) -> None:
    @decorate(check_specs=[AssetCheckSpec("positive", asset="checked")])
    def checked() -> MaterializeResult:
        return MaterializeResult(check_results=[AssetCheckResult(passed=True)])

    result, _ = run(checked)

    assert check_results(result) == {"positive": True}


@DECORATORS
def test_returning_none_annotated_none_stores_nothing(decorate: Decorator) -> None:
    @decorate
    def side_effect() -> None:
        return None

    result, memory = run(side_effect)

    assert result.success
    assert stored(memory) == []
    assert side_effect.op.output_defs[0].dagster_type.is_nothing


@DECORATORS
def test_a_return_annotation_type_checks_the_output(decorate: Decorator) -> None:
    @decorate
    def text() -> str:
        return 42  # type: ignore[return-value]

    with pytest.raises(DagsterTypeCheckDidNotPass):
        run(text)


@DECORATORS
@pytest.mark.parametrize(
    ("annotation", "type_name"),
    [(str, "String"), (MaterializeResult[str], "String"), (Output[int], "Int"), (None, "Nothing")],
)
def test_the_output_type_comes_from_the_annotation(
    decorate: Decorator, annotation: Any, type_name: str
) -> None:
    def typed():
        return None

    typed.__annotations__["return"] = annotation

    assert decorate(typed).op.output_defs[0].dagster_type.display_name == type_name


@DECORATORS
def test_an_output_keeps_its_metadata_tags_and_data_version(decorate: Decorator) -> None:
    @decorate
    def wrapped() -> Output[int]:
        return Output(5, metadata={"m": 1}, tags={"t": "x"}, data_version=DataVersion("d1"))

    result, memory = run(wrapped)

    event = materialization(result, "wrapped")
    assert event.metadata["m"].value == 1
    assert (event.tags["t"], event.tags["dagster/data_version"]) == ("x", "d1")
    assert stored(memory) == [5]


@DECORATORS
def test_a_generator_can_yield_an_output_and_check_results(decorate: Decorator) -> None:
    @decorate(check_specs=[AssetCheckSpec("sane", asset="yielding")])
    def yielding() -> Iterator[Any]:
        yield Output(3, metadata={"yielded": True})
        yield AssetCheckResult(check_name="sane", passed=False)

    result, memory = run(yielding)

    assert materialization(result, "yielding").metadata["yielded"].value is True
    assert check_results(result) == {"sane": False}
    assert stored(memory) == [3]


@DECORATORS
def test_a_generator_can_yield_a_materialize_result(decorate: Decorator) -> None:
    @decorate
    def yields_result() -> Iterator[MaterializeResult]:
        yield MaterializeResult(value="v", metadata={"k": 2})

    result, memory = run(yields_result)

    assert materialization(result, "yields_result").metadata["k"].value == 2
    assert stored(memory) == ["v"]


@DECORATORS
def test_an_async_function_is_awaited(decorate: Decorator) -> None:
    @decorate
    async def fetched() -> int:
        await asyncio.sleep(0)
        return 11

    _, memory = run(fetched)

    assert stored(memory) == [11]


@DECORATORS
def test_direct_invocation_without_context_returns_what_the_function_returns(
    decorate: Decorator,
) -> None:
    @decorate
    def source() -> pl.DataFrame:
        return FRAME

    assert source() is FRAME


@DECORATORS
def test_direct_invocation_passes_inputs_positionally_or_by_name(decorate: Decorator) -> None:
    @decorate(ins={"upstream": AssetIn("source")})
    def doubled(upstream: pl.DataFrame) -> pl.DataFrame:
        return upstream.with_columns(pl.col("user_id") * 2)

    assert doubled(FRAME)["user_id"].to_list() == [2, 4, 6]
    assert doubled(upstream=FRAME)["user_id"].to_list() == [2, 4, 6]


@DECORATORS
def test_direct_invocation_with_a_context(decorate: Decorator) -> None:
    @decorate
    def keyed(context: AssetExecutionContext, upstream: pl.DataFrame) -> str:
        return f"{context.asset_key.to_user_string()}:{upstream.height}"

    assert keyed(build_asset_context(), FRAME) == "keyed:3"


class Scale(Config):
    factor: int = 1


@DECORATORS
def test_direct_invocation_with_config(decorate: Decorator) -> None:
    @decorate
    def scaled(config: Scale) -> int:
        return 10 * config.factor

    assert scaled(Scale(factor=3)) == 30
    assert scaled(config=Scale(factor=2)) == 20
    assert scaled(build_asset_context(), Scale(factor=4)) == 40


@DECORATORS
def test_direct_invocation_of_a_materialize_result_returns_it(decorate: Decorator) -> None:
    @decorate
    def reported() -> MaterializeResult:
        return MaterializeResult(metadata={"rows": 1})

    assert reported().metadata == {"rows": 1}


@DECORATORS
def test_direct_invocation_of_a_generator_yields_its_events(decorate: Decorator) -> None:
    @decorate
    def yielding() -> Iterator[Output[int]]:
        yield Output(9)

    assert [event.value for event in yielding()] == [9]


@DECORATORS
def test_direct_invocation_of_an_async_function_returns_a_coroutine(decorate: Decorator) -> None:
    @decorate
    async def fetched() -> int:
        return 12

    assert asyncio.run(fetched()) == 12


@DECORATORS
def test_compute_kind_is_accepted_and_tags_the_op(decorate: Decorator) -> None:
    @decorate(compute_kind="pandas")
    def legacy() -> pl.DataFrame:
        return FRAME

    assert legacy.op.tags["dagster/compute_kind"] == "pandas"
    assert legacy.get_asset_spec().kinds == set()


@DECORATORS
def test_kinds_given_are_kept_as_given(decorate: Decorator) -> None:
    @decorate(kinds={"duckdb"})
    def analytical() -> pl.DataFrame:
        return FRAME

    assert analytical.get_asset_spec().kinds == {"duckdb"}


@DECORATORS
def test_the_function_is_left_as_it_is(decorate: Decorator) -> None:
    def documented(upstream: pl.DataFrame) -> pl.DataFrame:
        """Documented."""
        return upstream

    assets_def = decorate(documented)

    assert assets_def.descriptions_by_key[assets_def.key] == "Documented."
    assert documented(FRAME) is FRAME
    assert assets_def(FRAME) is FRAME


def test_standard_asset_adds_the_polars_kind_only_to_functions_returning_polars_frames() -> None:
    @standard_asset
    def frame() -> pl.LazyFrame:
        return FRAME.lazy()

    @standard_asset
    def number() -> int:
        return 1

    @standard_asset
    def unannotated():
        return FRAME

    assert frame.get_asset_spec().kinds == {"polars"}
    assert number.get_asset_spec().kinds == set()
    assert unannotated.get_asset_spec().kinds == set()


@DECORATORS
def test_the_function_may_be_passed_by_keyword(decorate: Decorator) -> None:
    def keyword() -> int:
        return 1

    assert isinstance(decorate(compute_fn=keyword), AssetsDefinition)


@DECORATORS
def test_its_op_runs_in_a_job_as_a_plain_op(decorate: Decorator) -> None:
    @decorate
    def number() -> int:
        return 4

    @job
    def numbers() -> None:
        number.op()

    result = numbers.execute_in_process()

    assert result.success
    assert result.output_for_node("number") == 4
