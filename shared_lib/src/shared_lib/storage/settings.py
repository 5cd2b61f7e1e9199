"""Where assets are stored: the storage settings, read from the environment here and nowhere else.

The environment variable of the data directory (and the check that it can be written), and the
object-storage credentials as the standard AWS variables. The deployment tooling writes these
same variables into the compose files and the Helm values, by these names.
"""

import os
from pathlib import Path
from typing import Final

#: Where the Polars IO manager stores every asset as Parquet: a directory (in compose, a volume
#: mounted at the same path in code servers and run containers) or an ``s3://bucket/prefix``
#: URL of S3-compatible object storage (then no volume is needed at all).
DATA_DIR_ENV: Final = "PLATFORM_DATA_DIR"

ACCESS_KEY_ENV: Final = "AWS_ACCESS_KEY_ID"
SECRET_KEY_ENV: Final = "AWS_SECRET_ACCESS_KEY"
SESSION_TOKEN_ENV: Final = "AWS_SESSION_TOKEN"
REGION_ENV: Final = "AWS_REGION"
ENDPOINT_ENV: Final = "AWS_ENDPOINT_URL"
ALLOW_HTTP_ENV: Final = "AWS_ALLOW_HTTP"

#: The object-storage settings, as the standard AWS environment variables (so the same values
#: serve Polars, Dagster's S3 compute logs and any AWS tool), each with the Polars
#: ``storage_options`` key it becomes: credentials come only from here.
OBJECT_STORAGE_ENV: Final = {
    ACCESS_KEY_ENV: "aws_access_key_id",
    SECRET_KEY_ENV: "aws_secret_access_key",
    SESSION_TOKEN_ENV: "aws_session_token",
    REGION_ENV: "aws_region",
    ENDPOINT_ENV: "aws_endpoint_url",
    ALLOW_HTTP_ENV: "aws_allow_http",
}
OBJECT_STORAGE_SCHEMES: Final = ("s3://",)


def data_dir() -> str | None:
    """The configured data directory or object-storage URL, or ``None`` when none is set."""
    return os.environ.get(DATA_DIR_ENV) or None


def is_object_storage(location: str) -> bool:
    """Whether ``location`` is an object-storage URL rather than a directory.

    >>> is_object_storage("s3://platform/assets"), is_object_storage("/opt/dagster/data")
    (True, False)
    """
    return location.startswith(OBJECT_STORAGE_SCHEMES)


def object_storage_options() -> dict[str, str]:
    """Polars' ``storage_options`` from the AWS environment variables that are set.

    A region defaults to ``us-east-1`` (S3-compatible servers accept any); plain HTTP is allowed
    only for an ``http://`` endpoint, as a local test server has.
    """
    options = {
        option: os.environ[name]
        for name, option in OBJECT_STORAGE_ENV.items()
        if os.environ.get(name)
    }
    options.setdefault("aws_region", "us-east-1")
    if options.get("aws_endpoint_url", "").startswith("http://"):
        options.setdefault("aws_allow_http", "true")
    return options


def require_writable_data_dir() -> None:
    """Refuse to load when the configured data directory cannot be written.

    Otherwise a wrong path or a missing volume surfaces only when the first run fails; this
    way the location shows the error in the UI (and its health check fails) at start. An
    object-storage URL is checked by the first write (a check at load would cost every code
    server start a round trip and need write access at import).
    """
    directory = data_dir()
    if directory and is_object_storage(directory):
        return
    if directory and not (Path(directory).is_dir() and os.access(directory, os.W_OK | os.X_OK)):
        raise NotADirectoryError(
            f"{DATA_DIR_ENV}={directory} is not a writable directory, so no asset of this "
            "location could be stored. Mount the shared data volume there, or point "
            f"{DATA_DIR_ENV} at a directory this user ({os.getuid()}) can write."
        )
