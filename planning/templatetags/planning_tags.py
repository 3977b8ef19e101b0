import json
import math

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from planning import weeks as wk
from planning.cells import Cell

register = template.Library()


@register.filter
def weeklabel(week):
    return wk.label(week)


@register.filter
def qtyvalue(qty):
    """A quantity as typed in a cell: no thousands separators, no trailing .00."""
    if qty is None:
        return ""
    qty = float(qty)
    return f"{qty:.0f}" if qty == int(qty) else f"{qty:.2f}"


@register.filter
def num(value, digits=0):
    """A number for tables: thousands separators; blank for NaN; ∞ for infinity."""
    if value is None:
        return "–"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return value
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞"
    return f"{value:,.{int(digits)}f}"


@register.simple_tag
def plan_cell(
    cell_url,
    cell: Cell,
    col,
    qty,
    revision,
    has_note=False,
    can_edit=False,
    error="",
    typed=None,
    saved=False,
):
    """One grid cell. Built in Python, not an {% include %}: the grid renders thousands of them.
    The <td> is the htmx swap target of its own save; `aria-labelledby` names it by its row and week."""
    classes = ["num", "cell"]
    if has_note:
        classes.append("has-note")
    if error:
        classes.append("cell-error")
    if saved:
        classes.append("cell-saved")
    ident = cell.ident
    label = f"r-{cell.row_key} w-{col}"
    note = '<span class="cell-note" title="Has notes">💬</span>' if has_note else ""
    message = (
        f'<span class="cell-message" role="alert" id="e-{ident}">{escape(error)}</span>' if error else ""
    )
    vals = escape(
        json.dumps(
            {
                "product": cell.product_id,
                "customer": cell.customer_id or "",
                "facility": cell.facility_id,
                "week": f"{cell.week:%Y-%m-%d}",
                "revision": revision,
            }
        )
    )
    if can_edit:
        shown = typed if typed not in (None, "") else qtyvalue(qty)
        invalid = f' aria-invalid="true" aria-describedby="e-{ident}"' if error else ""
        body = (
            f'<input class="cell-input" name="value" inputmode="decimal" autocomplete="off"'
            f' value="{escape(shown)}" hx-post="{escape(cell_url)}" hx-trigger="change"'
            f' hx-target="closest td" hx-swap="outerHTML" hx-vals=\'{vals}\''
            f' aria-labelledby="{label}"{invalid}>'
        )
    else:
        body = (
            f'<span class="cell-value" tabindex="0" data-cell=\'{vals}\' aria-labelledby="{label}">'
            f"{num(qty)}</span>"
        )
    return mark_safe(f'<td class="{" ".join(classes)}" id="{cell.dom_id}">{body}{note}{message}</td>')
