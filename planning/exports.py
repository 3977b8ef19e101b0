"""Grid exports: the rows and weeks the screen shows (same filters), as CSV or XLSX via pandas."""

import io

import pandas as pd

from sopsocial.pages.spreadsheet import spreadsheet_safe


def grid_frame(grid):
    records = []
    for row in grid.rows:
        rec = {
            "sku": spreadsheet_safe(row.product.sku),
            "product": spreadsheet_safe(row.product.name),
            "customer": spreadsheet_safe(row.customer.code) if row.customer else "",
            "facility": spreadsheet_safe(row.facility.code),
        }
        for week, qty, _rev, _note in row.cells:
            rec[week.isoformat()] = qty
        rec["total"] = row.total
        records.append(rec)
    columns = ["sku", "product", "customer", "facility", *[w.isoformat() for w in grid.weeks], "total"]
    return pd.DataFrame(records, columns=columns)


def rows_csv(rows, columns):
    """A report's rows (dicts) as CSV bytes, `columns` being (key, header) pairs; text is formula-safe."""
    records = [
        {header: spreadsheet_safe(r[key]) if isinstance(r[key], str) else r[key] for key, header in columns}
        for r in rows
    ]
    return pd.DataFrame(records, columns=[h for _k, h in columns]).to_csv(index=False).encode()


def grid_file(grid, fmt):
    df = grid_frame(grid)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        df.to_excel(buffer, index=False, sheet_name="plan")
        return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return df.to_csv(index=False).encode(), "text/csv; charset=utf-8"
