"""Environment variables the platform reads: named here, read nowhere else."""

from typing import Final

#: Directory under which the Polars IO manager stores every asset as Parquet. In the compose
#: deployment it is a volume mounted at the same path in code servers and run containers.
DATA_DIR_ENV: Final = "PLATFORM_DATA_DIR"
