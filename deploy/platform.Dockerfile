# The Dagster webserver (UI) and daemon: dagster, the webserver and platform_services (the
# instance's storages, run launcher and step-log store of the deployment mode INSTANCE: docker,
# the default, or docker-s3 for compose's object-storage mode), from hash-pinned locks. No team
# code (that lives in the code servers), no shared_lib, no repository tooling, no build tools.
# Build from the repository root: docker build -f deploy/platform.Dockerfile .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Stage 1: platform_services' wheel (the first steps are location.Dockerfile's: one cache).
FROM ${PYTHON_IMAGE} AS wheels
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN python3 -m venv /opt/venv
COPY requirements/build.txt /opt/build/
RUN pip install --require-hashes --no-deps -r /opt/build/build.txt
COPY platform_services/pyproject.toml /opt/build/platform_services/
COPY platform_services/src /opt/build/platform_services/src
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /opt/wheels /opt/build/platform_services

# Stage 2: the image. /run/dagster-ui: the authenticated mode's webserver socket, in a volume
# whose first use copies this directory's owner (deploy/compose.authenticated.yaml).
FROM ${PYTHON_IMAGE}
ARG INSTANCE=docker
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DAGSTER_HOME=/opt/dagster/home
RUN python3 -m venv /opt/venv \
 && groupadd --gid 10001 dagster \
 && useradd --uid 10001 --gid dagster --home-dir /opt/dagster/home --create-home dagster \
 && install -d -o dagster -g dagster /opt/dagster/compute_logs \
 && install -d -o dagster -g dagster /run/dagster-ui
# The webserver and what every mode's instance needs, then what this mode adds.
COPY requirements/platform.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/platform.txt
COPY requirements/instance-${INSTANCE}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/instance-${INSTANCE}.txt
# platform_services: dagster.yaml names its storage classes.
COPY --from=wheels /opt/wheels /opt/wheels
RUN pip install --no-deps --compile /opt/wheels/*.whl \
 && rm -rf /opt/wheels \
 && python -c "import platform_services.instance_storage"

COPY deploy/with-docker-socket.sh /usr/local/bin/with-docker-socket
# workspace.yaml is mounted by compose (generated from the locations): a new location
# restarts the webserver and daemon but rebuilds nothing here.
COPY --chown=dagster:dagster dagster.yaml /opt/dagster/home/

USER dagster
WORKDIR /opt/dagster/home
