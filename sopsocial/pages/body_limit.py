"""A cap on the size of a request body, checked before any of it is read.

Django reads a body lazily under WSGI, so `RequestBodyLimitMiddleware` (first in MIDDLEWARE) refuses an
oversized one from its Content-Length before CSRF or a form touches `request.POST`. Under ASGI Django
reads the whole body before any middleware runs (into a temporary file that spills to disk past
FILE_UPLOAD_MAX_MEMORY_SIZE), so `limit_request_body` wraps the ASGI app and answers 413 from the
Content-Length header, or, for a chunked body without one, as soon as the bytes received pass the limit.

The limit is REQUEST_MAX_BODY_BYTES: by default a full post (every file at its size limit) or the largest
planning import, plus room for the form.
"""

import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

STATUS = 413


def max_body_bytes():
    return settings.REQUEST_MAX_BODY_BYTES


def too_large_message(limit):
    return (
        f"The request is too large: at most {limit / (1024 * 1024):.0f} MB can be sent at once "
        "(attach fewer or smaller files)."
    )


def _wants_json(path, headers):
    return path.startswith("/api/") or headers.get("hx-request") == "true"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = max_body_bytes()
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isascii() and length.isdigit() and int(length) > limit:
            message = too_large_message(limit)
            headers = {k.lower(): v for k, v in request.headers.items()}
            if _wants_json(request.path, headers):
                return JsonResponse({"error": message, "field": "body"}, status=STATUS)
            return render(request, "413.html", {"reason": message}, status=STATUS)
        return self.get_response(request)


def limit_request_body(app):
    """Wrap an ASGI app: HTTP requests with a body over the limit get a 413 and never reach Django."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = max_body_bytes()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length = headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > limit:
            return await _refuse(scope, headers, send, limit)
        received = 0
        refused = False

        async def counting_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # A chunked body past the limit: answer now; Django sees the client leave.
                    refused = True
                    await _refuse(scope, headers, send, limit)
                    return {"type": "http.disconnect"}
            return message

        return await app(scope, counting_receive, send)

    return wrapped


async def _refuse(scope, headers, send, limit):
    message = too_large_message(limit)
    if _wants_json(scope.get("path", ""), headers):
        body = json.dumps({"error": message, "field": "body"}).encode()
        content_type = b"application/json"
    else:
        body = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Too large</title>"
            f'<h1>Too large</h1><p>{message}</p><p><a href="/">Go to your home page</a></p></html>'
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": STATUS,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
