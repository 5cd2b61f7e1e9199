"""The authenticated webserver's ASGI middleware: sign-in required, mutations only as JSON,
every state-changing request audited.

It runs before Dagster's app on every request: no identity (or a wrong token) is a 401, a
request's identity and grants go into the ASGI scope for the request context
(:mod:`platform_services.access.dagster_webserver_internals`), and after a GraphQL mutation or a
REST asset report each permission decision is logged (:mod:`platform_services.access.audit`).
Mutations sent as GET or as a form POST (which browsers send cross-site without asking) are
refused, so a signed-in browser cannot be made to act from another site.
"""

import json
from collections.abc import Awaitable, Callable, Collection, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from graphql import FieldNode, OperationDefinitionNode, OperationType, parse, value_from_ast_untyped
from graphql.error import GraphQLError
from starlette.datastructures import Headers

from platform_services.access.audit import RECORD_KEY, AccessRecord, log_decisions
from platform_services.access.identity import NotAuthenticatedError, TokenRegistry, identify
from platform_services.access.policy import AccessPolicy

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = frozenset({"/server_info"})
"""Answered without sign-in: the health check (versions only)."""
REPORT_PATH_PREFIX = "/report_asset_"
WIPE_ASSETS = "wipe_assets"


@dataclass(frozen=True)
class Mutation:
    """The top-level fields of a GraphQL mutation request, and the assets it would wipe."""

    fields: list[str]
    wiped_assets: list[list[str]]


def parse_mutation(body: bytes) -> Mutation | None:
    """The mutation of a GraphQL JSON body; ``None`` if it is no (valid) mutation.

    >>> parse_mutation(b'{"query": "mutation M { reloadWorkspace { __typename } }"}').fields
    ['reloadWorkspace']
    >>> parse_mutation(b'{"query": "{ version }"}') is None
    True
    """
    if b"mutation" not in body:
        return None
    try:
        payload = json.loads(body)
        document = parse(payload["query"])
        variables = payload.get("variables") or {}
    except (ValueError, KeyError, TypeError, GraphQLError):
        return None
    name = payload.get("operationName")
    fields: list[str] = []
    wiped: list[list[str]] = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.operation is not OperationType.MUTATION:
            continue
        if name and (definition.name.value if definition.name else None) != name:
            continue
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue
            fields.append(selection.name.value)
            if selection.name.value == "wipeAssets":
                wiped += _wiped_paths(selection, variables)
    return Mutation(fields, wiped) if fields else None


def _wiped_paths(field: FieldNode, variables: dict[str, Any]) -> list[list[str]]:
    for argument in field.arguments or ():
        if argument.name.value == "assetPartitionRanges":
            ranges = value_from_ast_untyped(argument.value, variables) or []
            return [
                list(r.get("assetKey", {}).get("path", [])) for r in ranges if isinstance(r, dict)
            ]
    return []


class AccessMiddleware:
    """Authenticate, hand the grants to Dagster's request context, audit what changes state."""

    def __init__(
        self,
        app: ASGIApp,
        policy: AccessPolicy,
        tokens: TokenRegistry,
        locations_of: Callable[[Collection[Sequence[str]]], set[str]],
    ) -> None:
        self.app = app
        self.policy = policy
        self.tokens = tokens
        self.locations_of = locations_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            identity = identify(headers, self.tokens)
        except NotAuthenticatedError as refused:
            await _refuse(scope, send, 401, f"Sign-in required: {refused}.")
            return
        record = AccessRecord(self.policy.grants_for(identity))
        scope.setdefault("state", {})[RECORD_KEY] = record
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        audited: str | None = None
        method, path = scope["method"], scope["path"]
        if path.endswith("/graphql"):
            if method == "GET" and "mutation" in unquote_plus(
                scope.get("query_string", b"").decode()
            ):
                await _refuse(
                    scope, send, 405, "GraphQL mutations are accepted as JSON POSTs only."
                )
                return
            if method == "POST":
                if not headers.get("content-type", "").startswith("application/json"):
                    await _refuse(
                        scope, send, 415, "GraphQL requests must be JSON (application/json)."
                    )
                    return
                body, receive = await _buffered(receive)
                mutation = parse_mutation(body)
                audited = ",".join(mutation.fields) if mutation else None
                # Dagster checks each location on its own; several at once are not a team's
                # to wipe: the request context refuses it, in Dagster's own shape.
                if (
                    mutation
                    and mutation.wiped_assets
                    and not record.grants.admin
                    and len(self.locations_of(mutation.wiped_assets)) > 1
                ):
                    record.refused.add(WIPE_ASSETS)
        elif method == "POST" and path.startswith(REPORT_PATH_PREFIX):
            audited = path.strip("/")
        await self.app(scope, receive, send)
        if audited is not None:
            log_decisions(record, audited)


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that hands it to the app once more."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
        return
    body = message.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Basic realm="Dagster", charset="UTF-8"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
