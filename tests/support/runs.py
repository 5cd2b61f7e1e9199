"""Small readers over Dagster run results, so tests state what they check and not how to dig."""

from typing import Any

from dagster import AssetKey, ExecuteInProcessResult


def materialized_metadata(result: ExecuteInProcessResult, key: str | list[str]) -> dict[str, Any]:
    """The metadata values (unwrapped) of the one materialization of ``key`` in ``result``."""
    asset_key = AssetKey.from_coercible(key)
    events = [
        event.step_materialization_data.materialization
        for event in result.get_asset_materialization_events()
        if event.asset_key == asset_key
    ]
    assert len(events) == 1, f"expected one materialization of {asset_key}, got {len(events)}"
    return {name: value.value for name, value in events[0].metadata.items()}


def materialized_keys(result: ExecuteInProcessResult) -> set[str]:
    return {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}


def check_results(result: ExecuteInProcessResult) -> dict[str, bool]:
    """Each evaluated check's name and whether it passed."""
    return {
        event.event_specific_data.check_name: event.event_specific_data.passed
        for event in result.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def failure_message(result: ExecuteInProcessResult) -> str:
    """The first step failure's message with the messages of every error that caused it."""
    error = result.get_step_failure_events()[0].step_failure_data.error
    messages = []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)
