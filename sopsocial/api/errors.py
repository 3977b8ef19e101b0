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
