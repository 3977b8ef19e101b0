"""The gestures the story repeats on its screens (a feed card, a plan cell and its note panel, a plan's
status buttons) and the list of the screens it used, each with the person who saw it."""

import re


def card(page, text):
    return page.locator("#feed-items .feed-item", has_text=text).first


def cell(page, product, customer, facility, week):
    return page.locator(f"#c-{product.pk}-{customer.pk if customer else 0}-{facility.pk}-{week:%Y%m%d} input")


def save_cell_with_note(page, cell, value, note, files=()):
    cell.focus()
    page.keyboard.press("Alt+n")
    panel = page.locator("#cell-panel")
    panel.get_by_label("New value").wait_for()
    panel.get_by_label("New value").fill(str(value))
    panel.get_by_label(re.compile("^Why")).fill(note)
    if files:
        panel.get_by_label(re.compile("Attach files")).set_input_files(list(files))
    clicked_at = page.evaluate("Date.now()")
    panel.get_by_role("button", name="Save with note").click()
    return panel, clicked_at


def transition(page, button):
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def pages_the_story_used(cast, post_path, order_path, slug="/t/northwind"):
    """(person, path) for every page the story showed someone; Sam and Olu read on phones."""
    oat, leeds, url = cast["oat"], cast["leeds"], cast["url"]
    return [
        ("sam", f"{slug}/"),
        ("sam", post_path),
        ("sam", f"{post_path}forward/"),
        ("sam", f"{slug}/notifications/"),
        ("sam", url["contoso"]),
        ("sam", order_path),
        ("sam", f"{slug}/alerts/"),
        ("priya", url["oat"]),
        ("priya", f"{slug}/planning/projection/?product={oat.pk}"),
        ("priya", url["supply"] + f"?q=Oat+Crunch+500g&facility={leeds.pk}"),
        ("dana", url["leeds"]),
        ("morgan", f"{slug}/rules/"),
        ("morgan", f"{slug}/audit/"),
        ("olu", f"{slug}/"),
        ("olu", order_path),
    ]
