"""Spreadsheet formula-injection guard, used by every CSV and XLSX export.

A spreadsheet runs a cell as a formula when its text starts with = + - @ (tab and CR also start one in
some programs). Excel in a semicolon locale also splits `;=cmd` or `,=cmd` into a formula cell, and
leading spaces before the sign do not stop it. Such text gets a leading quote, so it is shown as text.
"""

import re

_FORMULA_START = re.compile(r"[;,\s]*[=+\-@\t\r]")


def spreadsheet_safe(value: object) -> str:
    """`value` as text that no spreadsheet reads as a formula; None becomes ""."""
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA_START.match(text) else text
