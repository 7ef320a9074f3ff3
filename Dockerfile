# Container for the schema-sync GitHub Action.
#
# The runner starts this image as root, mounts the workspace at /github/workspace
# and sets the working directory itself, so there is deliberately no USER and no
# WORKDIR here. Inputs arrive as INPUT_<NAME> environment variables.
#
# BASE is the official Python image; the release builds on it. Machines that reach
# no image registry build the same file on a local stand-in made from Debian's
# packages (scripts/build-image, docs/container.md says how the two differ).
ARG BASE=python:3.11.17-slim-bookworm
FROM ${BASE}

LABEL org.opencontainers.image.title="schema-sync-action" \
      org.opencontainers.image.description="Keep one schema file identical across repositories" \
      org.opencontainers.image.source="https://github.com/STRUKT1/schema-sync-action" \
      org.opencontainers.image.licenses="MIT"

# No bytecode is written at run time (it is compiled below), so the action writes
# nothing outside the workspace, HOME, RUNNER_TEMP and the runner's file commands.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Wheels only: the image has no compiler, and every pinned package ships a wheel.
# setuptools and wheel are only needed to build packages, so they are removed.
COPY requirements.txt /tmp/requirements.txt
RUN python -m pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt \
    && python -m pip uninstall --yes setuptools wheel \
    && python -m pip check \
    && rm /tmp/requirements.txt

COPY entrypoint.py /app/entrypoint.py
COPY sync_action /app/sync_action

# Compile the action's code now, so nothing is compiled when a job starts.
RUN python -m compileall -q /app

ENTRYPOINT ["python", "/app/entrypoint.py"]
