"""standard_asset: dagster.asset plus the platform's conventions, leaving the function alone."""

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
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
    AssetSpec,
    AutomationCondition,
    Config,
    DagsterInstance,
    DagsterInvalidDefinitionError,
    Failure,
    MaterializeResult,
    Output,
    StaticPartitionsDefinition,
    materialize,
)

from shared_lib import (
    AssetDefinitionError,
    PolarsParquetIOManager,
    define_contract,
    has_columns,
    non_empty,
    standard_asset,
    unique,
    values_between,
)
from tests.support.runs import (
    check_results,
    failure_message,
    materialized_keys,
    materialized_metadata,
)

PROGRAMS = StaticPartitionsDefinition(["A", "B"])


def scores(context: AssetExecutionContext, upstream: pl.DataFrame) -> pl.DataFrame:
    """Scores per user, for the demo."""
    return upstream


FRAME = pl.DataFrame({"user_id": [1, 2, 3]})


@standard_asset(checks=[non_empty()])
def source() -> pl.DataFrame:
    return pl.DataFrame({"user_id": [1, 2, 3], "score": [0.1, 0.5, 0.9]})


def test_the_decorated_function_keeps_its_name_docstring_and_signature() -> None:
    signature_before = inspect.signature(scores)

    assets_def = standard_asset(ins={"upstream": source})(scores)

    assert isinstance(assets_def, AssetsDefinition)
    assert scores.__name__ == "scores"
    assert scores.__doc__ == "Scores per user, for the demo."
    assert inspect.signature(scores) == signature_before
    assert not hasattr(scores, "__wrapped__")
    wrapper = assets_def.op.compute_fn.decorated_fn
    assert wrapper.__wrapped__ is scores
    assert (wrapper.__name__, wrapper.__doc__) == (scores.__name__, scores.__doc__)
    assert assets_def.key == AssetKey("scores")
    assert assets_def.descriptions_by_key[assets_def.key] == "Scores per user, for the demo."


class Threshold(Config):
    minimum: float = 0.0


def no_context_no_config(upstream: pl.DataFrame) -> pl.DataFrame:
    return upstream


def context_only(context: AssetExecutionContext, upstream: pl.DataFrame) -> pl.DataFrame:
    context.log.info("context is passed")
    return upstream


def config_only(config: Threshold, upstream: pl.DataFrame) -> pl.DataFrame:
    return upstream.filter(pl.col("score") > config.minimum)


def context_and_config(
    context: AssetExecutionContext, config: Threshold, upstream: pl.DataFrame
) -> pl.DataFrame:
    assert context.asset_key == AssetKey("filtered")
    return upstream.filter(pl.col("score") > config.minimum)


@pytest.mark.parametrize(
    ("fn", "expected_rows"),
    [(no_context_no_config, 3), (context_only, 3), (config_only, 1), (context_and_config, 1)],
)
def test_runs_functions_with_or_without_context_and_config(
    fn, expected_rows: int, io_manager: PolarsParquetIOManager
) -> None:
    filtered = standard_asset(name="filtered", ins={"upstream": source})(fn)
    takes_config = "config" in inspect.signature(fn).parameters
    run_config = {"ops": {"filtered": {"config": {"minimum": 0.6}}}} if takes_config else {}

    result = materialize(
        [source, filtered], resources={"io_manager": io_manager}, run_config=run_config
    )

    assert result.success
    assert materialized_metadata(result, "filtered")["dagster/row_count"] == expected_rows


def test_config_defaults_apply_without_run_config(io_manager: PolarsParquetIOManager) -> None:
    filtered = standard_asset(name="filtered", ins={"upstream": source})(config_only)

    result = materialize([source, filtered], resources={"io_manager": io_manager})

    assert materialized_metadata(result, "filtered")["dagster/row_count"] == 3


@pytest.mark.parametrize(
    "upstream",
    [
        source,
        AssetSpec("source"),
        define_contract("source", description="demo", schema={"user_id": pl.Int64}),
        AssetKey("source"),
        "source",
        ["source"],
        AssetIn(key="source"),
    ],
    ids=["AssetsDefinition", "AssetSpec", "AssetContract", "AssetKey", "str", "list", "AssetIn"],
)
def test_accepts_every_form_of_upstream_in_ins(
    upstream, io_manager: PolarsParquetIOManager
) -> None:
    @standard_asset(ins={"anything": upstream})
    def copied(anything: pl.DataFrame) -> pl.DataFrame:
        return anything

    result = materialize([source, copied], resources={"io_manager": io_manager})

    assert copied.dependency_keys == {AssetKey("source")}
    assert materialized_metadata(result, "copied")["dagster/row_count"] == 3


def test_a_key_string_with_slashes_is_a_key_path() -> None:
    @standard_asset(ins={"special": "users/special"})
    def downstream(special: pl.DataFrame) -> pl.DataFrame:
        return special

    assert downstream.dependency_keys == {AssetKey(["users", "special"])}


@pytest.mark.parametrize("bad", [42, None, [1, 2], {"key": "x"}])
def test_rejects_an_input_that_names_no_asset(bad: object) -> None:
    def downstream(thing: pl.DataFrame) -> pl.DataFrame:
        return thing

    with pytest.raises(AssetDefinitionError, match=r"Asset downstream: input 'thing'"):
        standard_asset(ins={"thing": bad})(downstream)


def test_inherits_the_partitions_its_inputs_share() -> None:
    upstream = AssetSpec(["users", "special"], partitions_def=PROGRAMS)
    unpartitioned = AssetSpec("churn_model")

    @standard_asset(ins={"users": upstream, "model": unpartitioned})
    def scored(users: pl.DataFrame, model: pl.DataFrame) -> pl.DataFrame:
        return users

    assert scored.partitions_def == PROGRAMS


def test_an_explicit_partitions_def_wins_over_inheritance() -> None:
    @standard_asset(ins={"users": AssetSpec("users", partitions_def=PROGRAMS)}, partitions_def=None)
    def everything(users: pl.DataFrame) -> pl.DataFrame:
        return users

    assert everything.partitions_def is None


def test_rejects_inputs_partitioned_differently() -> None:
    other = StaticPartitionsDefinition(["X", "Y"])
    ins = {"a": AssetSpec("a", partitions_def=PROGRAMS), "b": AssetSpec("b", partitions_def=other)}

    with pytest.raises(AssetDefinitionError, match=r"Asset joined: its inputs a and b"):
        standard_asset(name="joined", ins=ins)(lambda a, b: a)


def test_records_row_count_column_schema_and_preview(io_manager: PolarsParquetIOManager) -> None:
    result = materialize([source], resources={"io_manager": io_manager})

    metadata = materialized_metadata(result, "source")
    assert metadata["dagster/row_count"] == 3
    columns = {column.name: column.type for column in metadata["dagster/column_schema"].columns}
    assert columns == {"user_id": "Int64", "score": "Float64"}
    assert "| user_id | score |" in metadata["preview"]
    assert metadata["path"].endswith("source.parquet")


def test_describes_a_lazy_frame_without_losing_it(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    @standard_asset(checks=[non_empty()])
    def lazy_numbers() -> pl.LazyFrame:
        return pl.LazyFrame({"n": range(1000)}).filter(pl.col("n") % 2 == 0)

    result = materialize([lazy_numbers], resources={"io_manager": io_manager})

    assert materialized_metadata(result, "lazy_numbers")["dagster/row_count"] == 500
    assert pl.read_parquet(data_dir / "lazy_numbers.parquet").height == 500


def test_passes_non_frame_results_through_untouched() -> None:
    @standard_asset(io_manager_key="mem")
    def answer() -> int:
        return 42

    from dagster import InMemoryIOManager

    result = materialize([answer], resources={"mem": InMemoryIOManager()})

    assert result.output_for_node("answer") == 42


def test_forwards_every_asset_keyword() -> None:
    condition = AutomationCondition.eager()

    @standard_asset(
        key_prefix=["team"],
        group_name="marketing",
        owners=["team:marketing"],
        tags={"tier": "gold"},
        kinds={"polars", "parquet"},
        code_version="7",
        metadata={"source": "crm"},
        automation_condition=condition,
        io_manager_key="io_manager",
    )
    def campaign() -> pl.DataFrame:
        return pl.DataFrame()

    spec = campaign.get_asset_spec()
    assert spec.key == AssetKey(["team", "campaign"])
    assert spec.group_name == "marketing"
    assert spec.owners == ["team:marketing"]
    assert spec.tags["tier"] == "gold"
    assert spec.kinds == {"polars", "parquet"}
    assert spec.code_version == "7"
    assert spec.metadata["source"] == "crm"
    assert spec.automation_condition == condition


def test_lets_dagster_reject_keywords_it_does_not_know() -> None:
    with pytest.raises((TypeError, DagsterInvalidDefinitionError)):
        standard_asset(no_such_keyword=1)(lambda: pl.DataFrame())


def returned(frame: pl.DataFrame) -> Callable[[], Any]:
    def produce() -> pl.DataFrame:
        return frame

    return produce


def in_output(frame: pl.DataFrame) -> Callable[[], Any]:
    def produce() -> Output[pl.DataFrame]:
        return Output(frame, metadata={"own": "kept"})

    return produce


def in_materialize_result(frame: pl.DataFrame) -> Callable[[], Any]:
    def produce() -> MaterializeResult:
        return MaterializeResult(value=frame, metadata={"own": "kept"})

    return produce


def yielded_output(frame: pl.DataFrame) -> Callable[[], Any]:
    def produce() -> Iterator[Output[pl.DataFrame]]:
        yield Output(frame)

    return produce


def yielded_materialize_result(frame: pl.DataFrame) -> Callable[[], Any]:
    def produce() -> Iterator[MaterializeResult]:
        yield MaterializeResult(value=frame)

    return produce


def awaited(frame: pl.DataFrame) -> Callable[[], Any]:
    async def produce() -> pl.DataFrame:
        return frame

    return produce


FRAME_FORMS = pytest.mark.parametrize(
    "form",
    [
        returned,
        in_output,
        in_materialize_result,
        yielded_output,
        yielded_materialize_result,
        awaited,
    ],
)


@FRAME_FORMS
def test_the_platforms_additions_apply_however_the_frame_comes_out(
    form, io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    produced = standard_asset(name="produced", checks=[non_empty()])(form(FRAME))

    result = materialize([produced], resources={"io_manager": io_manager})

    metadata = materialized_metadata(result, "produced")
    assert metadata["dagster/row_count"] == 3
    assert "| user_id |" in metadata["preview"]
    assert check_results(result) == {"non_empty": True}
    assert pl.read_parquet(data_dir / "produced.parquet").equals(FRAME)


@FRAME_FORMS
def test_a_blocking_check_stops_the_frame_however_it_comes_out(
    form, io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    produced = standard_asset(name="produced", checks=[non_empty()])(form(FRAME.clear()))

    result = materialize([produced], resources={"io_manager": io_manager}, raise_on_error=False)

    assert not result.success
    assert check_results(result) == {"non_empty": False}
    assert not (data_dir / "produced.parquet").exists()


def test_the_functions_own_metadata_wins_over_the_platforms(
    io_manager: PolarsParquetIOManager,
) -> None:
    @standard_asset
    def described() -> MaterializeResult:
        return MaterializeResult(value=FRAME, metadata={"dagster/row_count": 99, "own": 1})

    result = materialize([described], resources={"io_manager": io_manager})

    metadata = materialized_metadata(result, "described")
    assert (metadata["dagster/row_count"], metadata["own"]) == (99, 1)
    assert "dagster/column_schema" in metadata


def test_the_functions_own_checks_report_beside_the_platforms(
    io_manager: PolarsParquetIOManager,
) -> None:
    @standard_asset(checks=[non_empty()], check_specs=[AssetCheckSpec("own", asset="both")])
    def both() -> MaterializeResult:
        return MaterializeResult(
            value=FRAME, check_results=[AssetCheckResult(check_name="own", passed=True)]
        )

    result = materialize([both], resources={"io_manager": io_manager})

    assert check_results(result) == {"non_empty": True, "own": True}


def test_check_results_are_about_the_version_they_checked(
    io_manager: PolarsParquetIOManager,
) -> None:
    instance = DagsterInstance.ephemeral()
    materialize([source], resources={"io_manager": io_manager}, instance=instance)

    second = materialize([source], resources={"io_manager": io_manager}, instance=instance)

    (evaluation,) = [
        event.event_specific_data
        for event in second.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    latest = instance.fetch_materializations(AssetKey("source"), limit=1).records[0]
    assert latest.run_id == second.run_id
    assert evaluation.target_materialization_data.storage_id == latest.storage_id


def test_a_direct_call_of_an_asset_with_checks_returns_the_frame_with_their_results() -> None:
    @standard_asset(checks=[non_empty(), unique("user_id")])
    def users() -> pl.DataFrame:
        return FRAME

    result = users()

    assert isinstance(result, MaterializeResult)
    assert result.value is FRAME
    assert {r.check_name: r.passed for r in result.check_results} == {
        "non_empty": True,
        "user_id_is_unique": True,
    }


def test_a_direct_call_fails_on_a_blocking_check_as_a_run_does() -> None:
    @standard_asset(checks=[non_empty()])
    def empty() -> pl.DataFrame:
        return FRAME.clear()

    with pytest.raises(Failure, match="empty: blocking check\\(s\\) failed"):
        empty()


def test_checks_on_an_asset_that_produces_no_frame_fail_saying_why(
    io_manager: PolarsParquetIOManager,
) -> None:
    @standard_asset(checks=[non_empty()])
    def reported() -> MaterializeResult:
        return MaterializeResult(metadata={"rows": 1})

    result = materialize([reported], resources={"io_manager": io_manager}, raise_on_error=False)

    assert "reported: the asset has checks ['non_empty']" in failure_message(result)
    assert "produced none" in failure_message(result)


def test_a_frame_annotation_types_the_value_of_an_asset_with_checks() -> None:
    @standard_asset(checks=[non_empty()])
    def typed() -> pl.DataFrame:
        return FRAME

    assert typed.op.output_dict["result"].dagster_type.display_name == "DataFrame"


def test_checks_become_asset_checks_that_run_with_the_asset(
    io_manager: PolarsParquetIOManager,
) -> None:
    @standard_asset(checks=[non_empty(), has_columns({"score": pl.Float64})])
    def checked() -> pl.DataFrame:
        return pl.DataFrame({"score": [0.5]})

    result = materialize([checked], resources={"io_manager": io_manager})

    assert {key.name for key in checked.check_keys} == {"non_empty", "has_required_columns"}
    assert check_results(result) == {"non_empty": True, "has_required_columns": True}


class Version(Config):
    good: bool = True


@standard_asset(checks=[values_between("score", 0.0, 1.0)])
def versioned(config: Version) -> pl.DataFrame:
    return pl.DataFrame({"score": [0.5, 0.7 if config.good else 7.0]})


@standard_asset(ins={"versioned": versioned})
def after_versioned(versioned: pl.DataFrame) -> pl.DataFrame:
    return versioned


def test_a_failed_blocking_check_stores_nothing_and_stops_downstream(
    io_manager: PolarsParquetIOManager, data_dir: Path
) -> None:
    assets = [versioned, after_versioned]
    materialize(assets, resources={"io_manager": io_manager})
    good = pl.read_parquet(data_dir / "versioned.parquet")

    bad_run = {"ops": {"versioned": {"config": {"good": False}}}}
    result = materialize(
        assets, resources={"io_manager": io_manager}, run_config=bad_run, raise_on_error=False
    )

    assert not result.success
    assert check_results(result) == {"score_in_range": False}
    assert materialized_keys(result) == set()
    message = failure_message(result)
    assert "versioned: blocking check(s) failed" in message
    assert "1 row(s) violate: score lies in [0.0, 1.0]" in message
    assert pl.read_parquet(data_dir / "versioned.parquet").equals(good)


def test_a_failed_non_blocking_check_warns_and_stores(io_manager: PolarsParquetIOManager) -> None:
    @standard_asset(checks=[non_empty(blocking=False)])
    def maybe_empty() -> pl.DataFrame:
        return pl.DataFrame({"n": []}, schema={"n": pl.Int64})

    result = materialize([maybe_empty], resources={"io_manager": io_manager})

    assert result.success
    assert check_results(result) == {"non_empty": False}
    assert materialized_keys(result) == {"maybe_empty"}


def test_an_input_breaking_its_contract_fails_before_the_function_runs(
    io_manager: PolarsParquetIOManager,
) -> None:
    contract = define_contract("raw", description="raw", schema={"user_id": pl.Int64})
    calls: list[str] = []

    @standard_asset(key="raw")
    def raw() -> pl.DataFrame:
        return pl.DataFrame({"id": [1]})

    @standard_asset(ins={"raw": contract})
    def consumer(raw: pl.DataFrame) -> pl.DataFrame:
        calls.append("called")
        return raw

    result = materialize(
        [raw, consumer], resources={"io_manager": io_manager}, raise_on_error=False
    )

    assert not result.success
    assert calls == []
    message = failure_message(result)
    assert "consumer: input 'raw' breaks its upstream's contract" in message
    assert "missing column(s) ['user_id']" in message


def test_a_contract_gives_key_group_partitions_and_checks() -> None:
    contract = define_contract(
        ["users", "vip"],
        description="VIP users.",
        schema={"user_id": pl.Int64},
        group_name="vip",
        partitions_def=PROGRAMS,
    )

    @standard_asset(contract=contract)
    def vip_users() -> pl.DataFrame:
        return pl.DataFrame({"user_id": [1]})

    spec = vip_users.get_asset_spec()
    assert (spec.key, spec.group_name, spec.partitions_def) == (contract.key, "vip", PROGRAMS)
    assert spec.description == "VIP users."
    assert {key.name for key in vip_users.check_keys} == {"non_empty", "has_required_columns"}


def test_rejects_the_same_check_twice() -> None:
    with pytest.raises(
        AssetDefinitionError, match=r"checks \['non_empty'\] are given more than once"
    ):
        standard_asset(name="twice", checks=[non_empty(), non_empty()])(lambda: pl.DataFrame())
