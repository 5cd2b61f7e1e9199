# Every team's code location: its gRPC code server, and the image each of its runs launches in.
# One recipe for all locations; LOCATION picks which (location_core, location_features, ...), and
# INSTANCE what loading the Dagster instance needs in the deployment mode the image is for:
#   docker (default: compose, runs in containers, assets on the data volume),
#   docker-s3 (compose's object-storage mode: + S3 step logs), kubernetes (Helm: runs as jobs).
# The image holds the location, shared_lib (the teams' runtime library) and platform_services
# (the instance's storages, the health check): no repository tooling, no build tools, nothing of
# another deployment mode.
# Build from the repository root:
#   docker build -f deploy/location.Dockerfile --build-arg LOCATION=location_core .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# Stage 1: the wheels of shared_lib, platform_services and the location (an editable wheel: a
# path to its sources, which dagster reads its project from). The build tools stay here.
FROM ${PYTHON_IMAGE} AS wheels
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PATH=/opt/venv/bin:$PATH
RUN python3 -m venv /opt/venv
COPY requirements/build.txt /opt/build/
RUN pip install --require-hashes --no-deps -r /opt/build/build.txt
COPY shared_lib/pyproject.toml /opt/build/shared_lib/
COPY shared_lib/src /opt/build/shared_lib/src
COPY platform_services/pyproject.toml /opt/build/platform_services/
COPY platform_services/src /opt/build/platform_services/src
RUN pip wheel --no-deps --no-build-isolation --wheel-dir /opt/wheels \
      /opt/build/shared_lib /opt/build/platform_services
ARG LOCATION
RUN test -n "${LOCATION}" || { echo "build with --build-arg LOCATION=location_<team>" >&2; exit 1; }
COPY ${LOCATION}/pyproject.toml /opt/platform/${LOCATION}/
COPY ${LOCATION}/src /opt/platform/${LOCATION}/src
RUN cd /opt/platform/${LOCATION} \
 && python -c "from hatchling.build import build_editable; build_editable('/opt/wheels')"

# Stage 2: the image. Dependencies before sources, each from a hash-pinned lock: what every
# location and mode shares first (instance.txt: one layer for all of them), then the location's
# own, then what its mode adds (instance-<mode>.txt); a code change rebuilds only the thin
# layers after them.
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DAGSTER_HOME=/opt/dagster/home \
    PLATFORM_DATA_DIR=/opt/dagster/data \
    PLATFORM_CONTRACTS_DIR=/opt/platform/contracts
RUN python3 -m venv /opt/venv \
 && groupadd --gid 10001 dagster \
 && useradd --uid 10001 --gid dagster --home-dir /opt/dagster/home --create-home dagster \
 && install -d -o dagster -g dagster /opt/dagster/data /opt/dagster/compute_logs
COPY requirements/instance.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/instance.txt
ARG LOCATION
ARG INSTANCE=docker
COPY requirements/${LOCATION}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/${LOCATION}.txt
COPY requirements/instance-${INSTANCE}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/instance-${INSTANCE}.txt

# The code server's module and location name come from the environment, so the one command
# below serves any location. Bytecode compiled at build time: every run container would
# otherwise compile the sources anew.
ENV PLATFORM_LOCATION=${LOCATION}
COPY ${LOCATION}/pyproject.toml /opt/platform/${LOCATION}/
COPY ${LOCATION}/src /opt/platform/${LOCATION}/src
COPY --from=wheels /opt/wheels /opt/wheels
RUN pip install --no-deps --compile /opt/wheels/*.whl \
 && rm -rf /opt/wheels \
 && python -m compileall -q /opt/platform/${LOCATION}
# Every team's published contracts (data, not code): shared_lib reads them at PLATFORM_CONTRACTS_DIR.
COPY contracts /opt/platform/contracts

USER dagster
WORKDIR /opt/dagster/home
EXPOSE 4000
# exec: the code server replaces the shell, so it is the process init supervises.
CMD ["sh", "-c", "exec dagster code-server start --host 0.0.0.0 --port 4000 --module-name \"$PLATFORM_LOCATION.definitions\" --location-name \"$PLATFORM_LOCATION\""]
