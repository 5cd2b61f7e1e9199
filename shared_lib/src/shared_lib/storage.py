"""Where assets are stored and how a stored table names its partitions: the storage settings.

Named here, read nowhere else: the environment variable of the data directory (and the check
that it can be written), and the metadata key of a table's partition column. Contracts, inputs
and factories need only these names, not the IO manager that implements them.
"""

import os
from pathlib import Path
from typing import Final

#: Directory under which the Polars IO manager stores every asset as Parquet. In the compose
#: deployment it is a volume mounted at the same path in code servers and run containers.
DATA_DIR_ENV: Final = "PLATFORM_DATA_DIR"

#: Asset metadata naming the column that holds the partition key (Dagster's convention for
#: storage that keeps several partitions of one table). With it, one run can materialize many
#: partitions of an asset: the frame is split into one file per partition by that column.
PARTITION_EXPR: Final = "partition_expr"


def data_dir() -> str | None:
    """The configured data directory, or ``None`` when the environment sets none."""
    return os.environ.get(DATA_DIR_ENV) or None


def require_writable_data_dir() -> None:
    """Refuse to load when the configured data directory cannot be written.

    Otherwise a wrong path or a missing volume surfaces only when the first run fails; this
    way the location shows the error in the UI (and its health check fails) at start.
    """
    directory = data_dir()
    if directory and not (Path(directory).is_dir() and os.access(directory, os.W_OK | os.X_OK)):
        raise NotADirectoryError(
            f"{DATA_DIR_ENV}={directory} is not a writable directory, so no asset of this "
            "location could be stored. Mount the shared data volume there, or point "
            f"{DATA_DIR_ENV} at a directory this user ({os.getuid()}) can write."
        )
