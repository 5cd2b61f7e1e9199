"""The one exception type a team sees when it builds assets with the platform wrongly."""


class AssetDefinitionError(ValueError):
    """A factory or decorator was called with arguments that cannot make a valid asset.

    Raised while definitions load, never at run time, and the message always names the asset,
    what was wrong and how to fix it. It is a ``ValueError`` so callers need no platform import
    to catch it.
    """
