"""shared_lib's Dagster Components: the platform's factories declared in ``defs.yaml``.

This module is registered with ``dg`` (the ``dagster_dg_cli.registry_modules`` entry point in
shared_lib's ``pyproject.toml``), so ``dg list components`` in any location lists these and
``dg scaffold defs shared_lib.components.<Name> <path>`` writes a ``defs.yaml`` for one. Dagster
imports it whenever a location loads its ``defs/`` folder: keep it cheap and import-safe.

>>> from shared_lib.components import ChurnBandsComponent
>>> component = ChurnBandsComponent.resolve_from_yaml(
...     "upstream: users\\nbands: [{min: 0.9, max: 1.0}]"
... )
>>> [key.to_user_string() for key in component.build_assets()[0].keys]
['churn_0p9_to_1p0/users']
"""

from shared_lib.components.churn_bands_component import ChurnBandsComponent
from shared_lib.components.sql_asset_component import SqlAssetComponent
from shared_lib.components.upstream_contracts_component import UpstreamContractsComponent

__all__ = ["ChurnBandsComponent", "SqlAssetComponent", "UpstreamContractsComponent"]
