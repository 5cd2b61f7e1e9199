"""What a name in ``defs.yaml`` refers to: a published contract, or an asset key.

Shared by the components so that ``users`` means the same thing in every ``defs.yaml``: the
contract published for the key ``users`` if there is one, else the asset key itself (which the
location must then produce or declare; :mod:`shared_lib.policies.definition_guards` says so at
load). A component's resolver calls this once per name and keeps the :class:`ResolvedInput`,
which the factories and ``standard_asset`` take as it is.
"""

import dagster as dg

from shared_lib.asset_keys import parse_asset_key
from shared_lib.assets.inputs import ResolvedInput, resolve_input
from shared_lib.contracts.published import AssetContract, published_contract, published_contracts


def resolve_reference(name: str) -> ResolvedInput:
    """The contract published as ``name``, else the asset key ``name``, resolved.

    >>> resolve_reference("users").contract is not None, resolve_reference("crm/leads").key.path
    (True, ['crm', 'leads'])
    """
    found: AssetContract | dg.AssetKey | None = published_contract(name)
    if found is None:
        try:
            found = parse_asset_key(name)
        except ValueError as error:
            raise ValueError(f"{error} (published contracts: {published_names()}).") from None
    return resolve_input(found, asset=name, parameter=name)


def resolve_reference_field(context: dg.ResolutionContext, raw: object) -> ResolvedInput:
    """A ``dg.Resolver`` function: one ``defs.yaml`` field naming one upstream, resolved."""
    return resolve_reference(context.resolve_value(raw, as_type=str))


def published_names() -> list[str]:
    """The names of every published contract, for error messages."""
    return sorted(published_contracts())
