from django import template

register = template.Library()


def _show(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list | tuple):  # e.g. a forward's recipients: their names, not a Python list
        return ", ".join(_show(item) for item in value) if value else "—"
    return str(value)


@register.filter
def field_changes(event, brief=False):
    """[(field, old, new)] for an event's before/after, so a page reads "role: viewer → planner".
    `brief` (trails) leaves out nested records such as a feed item's data: the audit log shows them."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return [("", _show(event.before), _show(event.after))]
    keys = list(dict.fromkeys([*before, *after]))
    if brief:
        keys = [k for k in keys if not isinstance(before.get(k, after.get(k)), dict)]
    return [(key.replace("_", " "), _show(before.get(key)), _show(after.get(key))) for key in keys]


@register.filter
def verb_label(verb):
    from ..verbs import label

    return label(verb)
