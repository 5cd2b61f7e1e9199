"""``ChurnBandsComponent``: ``build_churn_band_asset`` declared in ``defs.yaml``.

.. code-block:: yaml

    type: shared_lib.components.ChurnBandsComponent
    attributes:
      upstream: users          # a published contract, or an asset key of this location
      bands:
        - {min: 0.7, max: 0.8}
        - {min: 0.9, max: 1.0}

makes exactly the assets ``build_churn_band_asset(USERS, 0.7, 0.8)`` and ``(USERS, 0.9, 1.0)``
make: same keys, groups, partitions and checks.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import dagster as dg
from dagster import AssetsDefinition
from pydantic import BaseModel

from shared_lib.assets.inputs import ResolvedInput
from shared_lib.components.references import resolve_reference_field
from shared_lib.components.scaffolding import defs_yaml_scaffolder
from shared_lib.factories.churn_bands import build_churn_band_asset, churn_band_problem


class ChurnBand(dg.Model):
    """One band: users with ``min < predicted_churn_proba <= max``."""

    min: float
    max: float


def _resolve_bands(context: dg.ResolutionContext, raw: Any) -> list[ChurnBand]:
    bands = [
        band if isinstance(band, ChurnBand) else ChurnBand.model_validate(band)
        for band in context.resolve_value(raw)
    ]
    if not bands:
        raise ValueError("bands is empty; list at least one, e.g. [{min: 0.7, max: 0.8}]")
    for band in bands:
        problem = churn_band_problem(band.min, band.max)
        if problem:
            raise ValueError(
                f"band {{min: {band.min}, max: {band.max}}} is not a band of probabilities: "
                f"{problem}, e.g. {{min: 0.7, max: 0.8}}"
            )
    return bands


class ChurnBandsScaffoldParams(BaseModel):
    """``dg scaffold defs shared_lib.components.ChurnBandsComponent PATH --upstream users``."""

    upstream: str = "users"
    min: float = 0.5
    max: float = 0.7


def _example(params: ChurnBandsScaffoldParams, folder: str) -> tuple[dict[str, Any], str]:
    bands = [{"min": params.min, "max": params.max}]
    return (
        {"upstream": params.upstream, "bands": bands},
        "One asset per band: users of upstream with min < predicted_churn_proba <= max,\n"
        "keyed churn_<min>_to_<max>/<upstream key>.",
    )


ChurnBandsScaffolder = defs_yaml_scaffolder(ChurnBandsScaffoldParams, _example)


@dg.scaffold_with(ChurnBandsScaffolder)
@dataclass
class ChurnBandsComponent(dg.Component, dg.Resolvable):
    """Users of an upstream whose predicted churn probability falls in each band."""

    upstream: Annotated[
        ResolvedInput,
        dg.Resolver(
            resolve_reference_field,
            model_field_type=str,
            description="A published contract (users, users/special) or an asset key.",
        ),
    ]
    bands: Annotated[
        list[ChurnBand],
        dg.Resolver(
            _resolve_bands,
            model_field_type=list[ChurnBand],
            description="Bands as {min, max}, with 0 <= min < max <= 1.",
        ),
    ]
    group_name: Annotated[
        str | None,
        dg.Resolver.default(description="Group of the band assets; default: the upstream's."),
    ] = None

    def build_assets(self) -> list[AssetsDefinition]:
        """The band assets, one per band, in the order given."""
        overrides = {"group_name": self.group_name} if self.group_name else {}
        return [
            build_churn_band_asset(self.upstream, band.min, band.max, **overrides)
            for band in self.bands
        ]

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        return dg.Definitions(assets=self.build_assets())
