"""What a name in ``defs.yaml`` refers to: a published contract, or an asset key.

Shared by the components so that ``users`` means the same thing in every ``defs.yaml``: the
contract published for the key ``users`` if there is one, else the asset key itself (which the
location must then produce or declare; :mod:`shared_lib.definition_guards` says so at load).
"""

from dagster import AssetKey, AssetSpec

from shared_lib.contracts import AssetContract, published_contract, published_contracts


def resolve_reference(name: str) -> AssetContract | AssetSpec:
    """The contract published as ``name``, else a bare spec of the asset key ``name``."""
    contract = published_contract(name)
    if contract is not None:
        return contract
    try:
        key = AssetKey.from_user_string(name)
    except Exception as error:
        raise ValueError(f"{name!r} is not an asset key: {error}") from None
    if not name or any(not part for part in key.path):
        raise ValueError(
            f"{name!r} is not an asset key; write one like users or users/special "
            f"(published contracts: {sorted(published_contracts())})."
        )
    return AssetSpec(key)


def published_names() -> list[str]:
    """The names of every published contract, for error messages."""
    return sorted(published_contracts())
