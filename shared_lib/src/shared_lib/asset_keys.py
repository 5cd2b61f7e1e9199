"""How an asset key is written as text (``users``, ``users/special``): the one rule, everywhere.

Contract files, ``defs.yaml`` components and error messages all spell keys this way, so they all
parse them here.
"""

from dagster import AssetKey


def parse_asset_key(text: str) -> AssetKey:
    """``text`` as an asset key; ``ValueError`` says what is wrong and how to write one.

    >>> parse_asset_key("users/special").path
    ['users', 'special']
    >>> parse_asset_key("users//special")
    Traceback (most recent call last):
    ...
    ValueError: 'users//special' is not an asset key; write one like users or users/special
    """
    if not isinstance(text, str) or not text or any(not part for part in text.split("/")):
        raise ValueError(f"{text!r} is not an asset key; write one like users or users/special")
    return AssetKey.from_user_string(text)
