"""The files people actually have: how a CSV is encoded and separated, which columns it holds, and
spreadsheet cells that hold a formula but no value.

Excel writes "CSV" in the separator and decimal mark of the computer's region: in much of Europe a
`;` separator with a decimal comma, often with a UTF-8 byte-order mark, or in Windows-1252 when saved as
plain "CSV". These helpers find out which, say so in a note the import screen shows, and turn what
cannot be read into one clear, file-level message that says what to do. No writes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import iterparse

from .quantities import DECIMAL_COMMA, DECIMAL_POINT, NumberFormat

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
# bytes Windows-1252 leaves undefined: text holding them is not Windows-1252 either
_UNDEFINED_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


@dataclass
class TextFile:
    text: str
    encoding: str
    separator: str
    notes: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, notes). UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
    mark (Excel's "Unicode text"), else Windows-1252 (Excel's plain "CSV" on Windows), said in a note.
    Raises ValueError for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError:
            raise ValueError(
                "The file says it is UTF-16 text but is not; save it again as “CSV UTF-8”."
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    if b"\x00" in data or _UNDEFINED_1252 & set(data):
        raise ValueError(
            "The file is not text in UTF-8 or Windows-1252 (it may be a spreadsheet saved with a .csv "
            "name). In Excel choose File › Save As › “CSV UTF-8 (comma delimited)”, or upload the .xlsx."
        )
    return (
        data.decode("cp1252"),
        "Windows-1252",
        [
            "The file is not UTF-8; it was read as Windows-1252 (Excel's “CSV” on Windows). "
            "Check accented names; “CSV UTF-8” avoids the question."
        ],
    )


def sniff_separator(text: str) -> str:
    """The separator of the header line: the candidate that splits it into the most columns outside
    quotes (a comma inside a quoted name does not count)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    best, best_count = ",", 0
    for sep in SEPARATORS:
        count = len(next(csv.reader([header], delimiter=sep), [])) - 1
        if count > best_count:
            best, best_count = sep, count
    return best


def read_text_file(data: bytes) -> TextFile:
    text, encoding, notes = decode(data)
    separator = sniff_separator(text)
    if separator != ",":
        notes.append(f"Columns are separated by a {SEPARATORS[separator]}.")
    return TextFile(text=text, encoding=encoding, separator=separator, notes=notes)


def number_format_for(separator: str, choice: str = "auto", *, round_to_cents: bool = False) -> NumberFormat:
    """The file's number format: chosen on the screen ("point" or "comma"), or for "auto" a decimal
    comma exactly when the columns are separated by semicolons (Excel's European CSV)."""
    if choice == "comma" or (choice == "auto" and separator == ";"):
        base = DECIMAL_COMMA
    else:
        base = DECIMAL_POINT
    return NumberFormat(decimal_comma=base.decimal_comma, round_to_cents=round_to_cents)


def csv_rows(text_file: TextFile) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a decoded CSV."""
    reader = csv.reader(io.StringIO(text_file.text, newline=""), delimiter=text_file.separator)
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError("The file is empty: its first row should hold the column names.") from None
    except csv.Error as e:
        raise ValueError(f"The file could not be read as CSV: {e}") from None
    return header, list(reader)


@dataclass(frozen=True)
class ColumnCheck:
    use: list[str]  # the file's columns that are read, in file order
    errors: list[str]  # file-level: nothing is read when there is one
    notes: list[str]  # warnings shown with the result


def check_columns(found: list[str], known: list[str], required: list[str]) -> ColumnCheck:
    """Headers compared with a kind's columns, once per file: missing required columns are an error that
    names what the file should hold; unknown columns are left out with a warning."""
    names = [str(c).strip().lower() for c in found]
    expected = ", ".join(known)
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    missing = [c for c in required if c not in names]
    extra = [n for n in names if n and n not in known]
    errors, notes = [], []
    if duplicates:
        errors.append(f"These columns appear twice: {', '.join(duplicates)}. Keep one of each.")
    if missing and len(extra) == len([n for n in names if n]):
        errors.append(
            f"None of the column names is one this import knows. The first row must name the columns: "
            f"{expected} (required: {', '.join(required)})."
        )
    elif missing:
        errors.append(
            f"Missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"Expected columns: {expected}."
        )
    if extra and not errors:
        notes.append(
            f"Ignored column{'s' if len(extra) > 1 else ''} this import does not know: {', '.join(extra)}."
        )
    return ColumnCheck(use=[n for n in names if n in known], errors=errors, notes=notes)


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def formulas_without_values(data: bytes | str | BinaryIO, limit: int = 5) -> list[str]:
    """Cell references (e.g. "C4") of the first worksheet's formula cells that hold no cached value: a
    workbook written by a program that does not calculate, whose numbers would otherwise read as blank.
    Reads the sheet's XML as a stream (its size was checked before)."""
    found: list[str] = []
    if isinstance(data, bytes):
        data = io.BytesIO(data)
    elif not isinstance(data, str):
        data.seek(0)
    with zipfile.ZipFile(data) as book:
        sheets = sorted(n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        if not sheets:
            return found
        first = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in sheets else sheets[0]
        with book.open(first) as sheet:
            ref, has_formula, has_value = None, False, False
            for event, element in iterparse(sheet, events=("start", "end")):
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start" and tag == "c":
                    ref, has_formula, has_value = element.get("r"), False, False
                elif event == "end" and tag == "f":
                    has_formula = True
                elif event == "end" and tag == "v" and (element.text or "") != "":
                    has_value = True
                elif event == "end" and tag == "c":
                    if has_formula and not has_value:
                        found.append(ref or "?")
                        if len(found) >= limit:
                            break
                    element.clear()
    return found
