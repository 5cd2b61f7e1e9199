"""``UpstreamContractsComponent``: which other teams' published assets a location reads.

.. code-block:: yaml

    type: shared_lib.components.UpstreamContractsComponent
    attributes:
      contracts: [users, users/special, churn_model]

Each named contract's ``AssetSpec`` joins the location's definitions, so its assets can read
them (Dagster loads an input only from an asset its definitions know) and the UI draws the
edge into the producing location. One file per location lists every cross-team dependency,
for its reviewers to see.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import dagster as dg
from pydantic import BaseModel

from shared_lib.components.references import published_names
from shared_lib.components.scaffolding import defs_yaml_scaffolder
from shared_lib.contracts.published import AssetContract, published_contracts


def _resolve_contracts(context: dg.ResolutionContext, raw: Any) -> list[AssetContract]:
    names = [str(name) for name in context.resolve_value(raw) or []]
    published = published_contracts()
    unknown = [name for name in names if name not in published]
    if unknown:
        raise ValueError(
            f"no published contract is named {unknown}; the published ones are "
            f"{published_names()}. Fix the name, or ask the producing team to publish a "
            "contract for it."
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{duplicates} listed more than once; list each contract once")
    return [published[name] for name in names]


class UpstreamContractsScaffoldParams(BaseModel):
    """``dg scaffold defs shared_lib.components.UpstreamContractsComponent PATH``."""

    contracts: list[str] = []


def _example(params: UpstreamContractsScaffoldParams, folder: str) -> tuple[dict[str, Any], str]:
    return (
        {"contracts": params.contracts},
        f"List the published contracts this location reads: {published_names()}.\n"
        "Each contract once per location.",
    )


UpstreamContractsScaffolder = defs_yaml_scaffolder(UpstreamContractsScaffoldParams, _example)


@dg.scaffold_with(UpstreamContractsScaffolder)
@dataclass
class UpstreamContractsComponent(dg.Component, dg.Resolvable):
    """Published contracts of other teams that this location reads."""

    contracts: Annotated[
        list[AssetContract],
        dg.Resolver(
            _resolve_contracts,
            model_field_type=list[str],
            description="Keys of published contracts, e.g. users, users/special.",
        ),
    ]

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        return dg.Definitions(assets=[contract.spec for contract in self.contracts])
