"""What is wrong with some input, in the one shape the API, the import screen and the forms share.

An error item is `{"row": n or None, "field": name or None, "message": text}` (the API's `errors`
list, the import screen's table); a ValidationError becomes items, or `{field: [messages]}` for a form.
"""

from typing import Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ErrorItem(TypedDict):
    row: int | None
    field: str | None
    message: str


def error_item(message: str, field: str | None = None, row: int | None = None) -> ErrorItem:
    return {"row": row, "field": field, "message": message}


def messages_by_field(error: ValidationError, field: str | None = NON_FIELD_ERRORS) -> dict[Any, list[str]]:
    """`{field: [messages]}`; an error raised without fields is filed under `field`."""
    return error.message_dict if hasattr(error, "error_dict") else {field: error.messages}


def error_items(
    error: ValidationError, *, field: str | None = None, row: int | None = None
) -> list[ErrorItem]:
    """One item per message, in the error's order; messages without a field are filed under `field`."""
    return [
        error_item(m, f, row) for f, messages in messages_by_field(error, field).items() for m in messages
    ]


def add_form_errors(form: Any, error: ValidationError, rename: dict[str, str] | None = None) -> None:
    """An action's ValidationError shown on the form: on the field it names (after `rename`, e.g. an
    action's `params.` prefix to the form's `p_`) when the form has that field, else above the form."""
    for key, messages in messages_by_field(error).items():
        for old, new in (rename or {}).items():
            key = key.replace(old, new)
        form.add_error(key if key in form.fields else None, messages)


class ApiError(Exception):
    """Raised by API code (the key check, an operation) to answer `{"errors": [...]}` with `status`."""

    def __init__(self, status: int, message: str, field: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.items = [error_item(message, field, row)]


# Pydantic error types in the words the import screen uses for the same mistakes.
_PHRASES = {
    "missing": "is required",
    "extra_forbidden": "is not a known column",
    "string_too_short": "is required",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "model_attributes_type": "must be an object",
}
BATCH_TOO_LARGE = "batch_too_large"


def _phrase(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "string_pattern_mismatch" and "\\u0000" in str(error.get("ctx", {}).get("pattern", "")):
        return "contains a NUL character"
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length", 1) != 1:
        kind = ""
    message = str(error.get("msg", "is invalid"))
    return _PHRASES.get(kind, message[:1].lower() + message[1:])


def validation_error_items(errors: list[dict[str, Any]]) -> tuple[int, list[ErrorItem]]:
    """(status, items) for django-ninja's validation errors, whose `loc` is
    `(source, name, ...)` for a parameter and `("body", <body param>, ...)` for the body.

    A bad row of a batch (`("body", _, "items", n, field, ...)`) is named by row and field: 422. A
    batch over the limit is 413. A body that is not the expected object, or a bad query, path or header
    parameter, is the request's shape at fault: 400."""
    status, items = 422, []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == BATCH_TOO_LARGE:
            return 413, [error_item(str(error.get("msg")), "items")]
        if loc[:1] == ("body",):
            rest = loc[2:]
            if len(rest) >= 2 and rest[0] == "items" and isinstance(rest[1], int):
                field = rest[2] if len(rest) > 2 and isinstance(rest[2], str) else None
                where = ".".join(str(p) for p in rest[2:])
                text = f"{where} {_phrase(error)}" if where and error.get("type") != "extra_forbidden" else ""
                items.append(error_item(text or _phrase(error), field, rest[1]))
                continue
            field = next((p for p in reversed(rest) if isinstance(p, str)), None)
            message = f"The body must be an object with an “items” list ({_phrase(error)})."
            items.append(error_item(message, field))
        else:
            field = str(loc[-1]) if len(loc) > 1 else None
            phrase = "is not a known parameter" if error.get("type") == "extra_forbidden" else _phrase(error)
            items.append(error_item(f"{field} {phrase}", field))
        status = 400
    return status, items
