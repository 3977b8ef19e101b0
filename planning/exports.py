"""Grid exports: the rows and weeks the screen shows (same filters), as CSV or XLSX via pandas."""

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """Spreadsheet formula injection guard: text a spreadsheet would read as a formula (starting with
    = + - @ tab or CR) gets a leading quote. Same rule as sopsocial/audit/views.py `_sanitize_cell`."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


def grid_frame(grid):
    records = []
    for row in grid.rows:
        rec = {
            "sku": safe_text(row.product.sku),
            "product": safe_text(row.product.name),
            "customer": safe_text(row.customer.code) if row.customer else "",
            "facility": safe_text(row.facility.code),
        }
        for week, qty, _rev, _note in row.cells:
            rec[week.isoformat()] = qty
        rec["total"] = row.total
        records.append(rec)
    columns = ["sku", "product", "customer", "facility", *[w.isoformat() for w in grid.weeks], "total"]
    return pd.DataFrame(records, columns=columns)


def grid_file(grid, fmt):
    df = grid_frame(grid)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        df.to_excel(buffer, index=False, sheet_name="plan")
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return df.to_csv(index=False).encode(), "text/csv; charset=utf-8"
