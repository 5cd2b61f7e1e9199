# The Dagster webserver (UI) and daemon: dagster, the webserver, Postgres storage and the Docker
# run launcher, from their hash-pinned lock. No team code: that lives in the code servers.
# Build from the repository root: docker build -f deploy/platform.Dockerfile .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DAGSTER_HOME=/opt/dagster/home

RUN python3 -m venv /opt/venv \
 && groupadd --gid 10001 dagster \
 && useradd --uid 10001 --gid dagster --home-dir /opt/dagster/home --create-home dagster \
 && install -d -o dagster -g dagster /opt/dagster/compute_logs

COPY requirements/platform.txt /opt/platform/requirements.txt
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements.txt

# The instance's storage classes (dagster.yaml): a small package of shared_lib's distribution
# that needs nothing but dagster-postgres, put on the path without the rest of shared_lib.
COPY shared_lib/src/platform_storage /opt/platform/python/platform_storage
RUN python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" \
      | xargs -I{} sh -c 'echo /opt/platform/python > {}/platform.pth' \
 && python -c "import platform_storage"

COPY deploy/with-docker-socket.sh /usr/local/bin/with-docker-socket
# workspace.yaml is mounted by compose (generated from the locations): a new location
# restarts the webserver and daemon but rebuilds nothing here.
COPY --chown=dagster:dagster dagster.yaml /opt/dagster/home/

USER dagster
WORKDIR /opt/dagster/home
