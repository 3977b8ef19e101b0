"""`Idempotency-Key` on API writes: a retry with the same key and body gets the first answer again
(header `Idempotent-Replayed: true`) instead of writing twice; the same key with another body is refused.

Records belong to an API key; a member's session call (someone trying the API) keeps none."""

import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header

from .access import ApiCaller
from .errors import ApiError
from .models import IdempotencyRecord
from .schemas import NO_NUL_PATTERN

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Retrying with the same key and body replays the first answer",
        max_length=200,
        pattern=NO_NUL_PATTERN,
    ),
]


def request_hash(request: HttpRequest) -> str:
    return hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()


def idempotent_write(
    request: HttpRequest, caller: ApiCaller, idempotency_key: str | None, write: Callable[[], dict[str, Any]]
) -> HttpResponse | dict[str, Any]:
    """Run `write()` (in a transaction, with the record of its answer) or replay the recorded answer.

    Returns the answer for a first call, the replayed response for a retry. A concurrent request
    with the same key that wins the race makes this one a 409."""
    api_key = caller.api_key
    key = (idempotency_key or "").strip() if api_key is not None else ""
    digest = request_hash(request)
    if key:
        done = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
        if done is not None:
            if done.request_hash != digest:
                raise ApiError(
                    422, "This Idempotency-Key was used with a different request.", field="Idempotency-Key"
                )
            response = JsonResponse(done.response, status=done.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
    try:
        with transaction.atomic():
            answer = write()
            if key and api_key is not None:
                IdempotencyRecord.objects.create(
                    tenant=caller.tenant,
                    api_key=api_key,
                    key=key,
                    path=request.path,
                    request_hash=digest,
                    status_code=200,
                    response=answer,
                )
    except IntegrityError:
        # a concurrent request with the same Idempotency-Key (or the same new rows) won the race
        message = "A concurrent request changed the same data; retry."
        raise ApiError(409, message, field="Idempotency-Key") from None
    return answer
