"""Where frames are stored: the settings, the partition column, the Parquet stores, the IO manager.

* :mod:`~shared_lib.storage.settings`: the data directory (or ``s3://`` URL) and object-storage
  credentials, read from the environment here and nowhere else;
* :mod:`~shared_lib.storage.partition_column`: how a stored table names its partition column;
* :mod:`~shared_lib.storage.parquet_stores`: a local directory or object storage, written
  atomically;
* :mod:`~shared_lib.storage.io_manager`: ``PolarsParquetIOManager``, a file per asset or partition.
"""
