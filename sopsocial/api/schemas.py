"""Typed pieces every API router shares: the error body, NUL-free strings, the tenant path parameter.

The OpenAPI document is generated from these types (and the routers' own), and Pydantic validates
requests against the same types, so the schema and the server cannot disagree.
"""

from typing import Annotated

from ninja import Path, Schema
from pydantic import Field, StringConstraints

# PostgreSQL text cannot hold NUL; a string with one is refused before it reaches the database.
NO_NUL_PATTERN = "^[^\\u0000]*$"
NulFreeStr = Annotated[str, StringConstraints(pattern=NO_NUL_PATTERN)]

# The tenant's slug, as Django's slug converter matches it. The generated document calls it `tenant`.
TenantSlug = Annotated[
    str,
    Path(description="The tenant's slug (as in /t/<slug>/)", pattern="^[-a-zA-Z0-9_]+$"),
]


class ErrorItemOut(Schema):
    row: int | None = Field(description="0-based index in `items`, or null for the request as a whole")
    field: str | None = Field(description="The field (or header, or parameter) at fault")
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItemOut]


# The statuses every tenant operation may answer with besides its own: no/unknown key, another
# tenant's object (or the tenant's own that does not exist), a role that may not write.
COMMON_ERRORS: dict[int, type[ErrorsOut]] = {400: ErrorsOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut}
