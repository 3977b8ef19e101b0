"""STORY.md, the acceptance test: all eleven steps played in a real browser on the full stack.

PostgreSQL, Redis, daphne and a Celery worker run as separate processes (`story_stack`); the demo tenant
is the one `make run` loads. Each person has a browser context of their own, logged in through the login
form; Sam reads on a 390 x 844 phone. Live steps (4, 5, 7, 9) are checked on pages opened before the
action, which must not reload. Every step saves screenshots under artifacts/story/; a failing step names
the step and the person and saves theirs as `FAILED-…png`.

One test function per step, in file order, on one stack, world and set of browsers (module-scoped, in
story/fixtures.py); `in_story_order` fails every step after a failed one, naming it.
"""

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.live_stack import ROOT
from tests.live_stack import test_database_url as live_database_url

from .browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, unreachable_by_keyboard
from .story.cast import erp_sends_order
from .story.harness import LIVE, SHOTS
from .story.screens import card, cell, pages_the_story_used, save_cell_with_note, transition

pytestmark = [
    *(pytest.mark.live, pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser),
    pytest.mark.usefixtures("in_story_order"),
]

SLUG = "/t/northwind"
NOTE = "Confirmed by Contoso's buyer, genuine one-off for their promo"


def test_step_00_the_cast_logs_in(story):
    for name in ("morgan", "alex", "priya", "dana", "olu", "sam"):
        with story.step("0", "logs in through the login form", name):
            story.person(name, PHONE if name == "sam" else DESKTOP)


def test_step_01_rules_configured(story):
    """1. The rules are configured and on."""
    with story.step("1", "Morgan sees both story rules configured and on", "morgan"):
        page = story.open("morgan", f"{SLUG}/rules/")
        for rule, severity in (
            ("Demand spike", "High"),
            ("Projected stock below safety stock", "Medium"),
        ):
            row = page.locator("tr", has_text=rule)
            expect(row).to_contain_text(severity)
            expect(row.get_by_role("button", name=f"{rule} is on, switch off")).to_be_visible()
        # Morgan follows the brand only: step 3 shows a brand follower gets its products' posts.
        page = story.open("morgan", f"{SLUG}/planning/brands/")
        page.get_by_role("link", name="Crunchy").click()
        page.get_by_role("button", name="Follow").click()
        expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()


def test_step_02_alex_raises_the_forecast_with_a_note(story, cast):
    """2. Alex raises Contoso's W+3 forecast with a note and a screenshot of the demand analysis."""
    oat, contoso, leeds, url = (cast[k] for k in ("oat", "contoso", "leeds", "url"))
    # Those who should see steps 2-4 live have their home feed open.
    for name in ("sam", "dana", "priya"):
        story.listen(name)
    with story.step("2", "Alex saves 1,200 -> 4,800 with a note and a PNG, then submits the plan", "alex"):
        page = story.open("alex", url["contoso"])
        analysis = SHOTS / "demand-analysis.png"
        page.screenshot(path=str(analysis))
        page = story.open("alex", url["demand"] + f"?customer={contoso.pk}&q=Oat+Crunch+500g")
        field = cell(page, oat, contoso, leeds, cast["w3"])
        expect(field).to_have_value("1200")
        panel, story.demand_saved_at = save_cell_with_note(page, field, 4800, NOTE, files=[analysis])
        expect(panel.get_by_role("status")).to_have_text("Saved.")
        expect(panel.locator(".cell-history")).to_contain_text("1,200 → 4,800")
        expect(panel.locator(".cell-notes")).to_contain_text("genuine one-off")
        story.doc_shot("alex", "1-grid-cell-with-note", show=field)
        transition(page, "Submit for approval")
        expect(page.locator("h1 .badge")).to_have_text("Submitted")


def test_step_03_the_note_is_posted_where_it_belongs(story, cast):
    """3. The note is a post on Contoso's, the product's and the demand plan's feeds, with the PNG."""
    url = cast["url"]
    with story.step(
        "3",
        "the note is on Contoso, Oat Crunch 500g and the demand plan; brand followers see it",
        "alex",
        "morgan",
    ) as who:
        for path in (url["contoso"], url["oat"], url["demand_page"]):
            page = story.open("alex", path)
            post = page.locator(".feed-item", has_text="genuine one-off").first
            expect(post).to_be_visible()
            expect(post.locator(".attachments")).to_contain_text("demand-analysis.png")
        who["who"] = "morgan"
        page = story.open("morgan", f"{SLUG}/")
        post = card(page, "genuine one-off")
        expect(post).to_be_visible()
        expect(post.locator(".why")).to_contain_text("Crunchy")


def test_step_04_the_spike_alert_arrives_live(story):
    """4. The spike alert lands live, without reload, in the followers' feeds; Leeds goes below safety."""
    with story.step(
        "4",
        "the spike alert arrives live for Contoso's and Oat Crunch's followers",
        "sam",
        "priya",
        "dana",
    ) as who:
        for name in ("sam", "priya"):
            who["who"] = name
            page = story.pages[name]
            alert = page.locator("#feed-items .feed-item-alert", has_text="4,800 vs 1,200, +300%").first
            expect(alert).to_be_visible(timeout=LIVE)
            expect(card(page, "genuine one-off")).to_be_visible(timeout=LIVE)
            story.still_live(name)
        story.doc_shot("sam", "2-phone-feed-with-live-alert")
        story.timings["cell saved -> spike alert on Sam's phone (ms)"] = story.arrived_after(
            "sam", "4,800 vs 1,200", story.demand_saved_at
        )
        who["who"] = "dana"
        expect(
            story.pages["dana"].locator("#feed-items .feed-item-alert", has_text="Leeds").first
        ).to_be_visible(timeout=LIVE)
        story.still_live("dana")


def test_step_05_sam_comments_and_forwards_from_his_phone(story):
    """5. Sam, on his phone, comments and forwards the post to Priya, who is notified live."""
    with story.step(
        "5", "Sam comments and forwards to Priya from his phone; Priya's bell rings", "sam", "priya"
    ) as who:
        page = story.pages["sam"]
        post = card(page, "genuine one-off")
        post.get_by_label("Comment on this").fill("Great news")
        post.get_by_role("button", name="Comment").click()
        expect(post.locator(".comment-list")).to_contain_text("Great news")
        assert horizontal_overflow(page) <= 0, "Sam's phone scrolls sideways"
        post.get_by_role("link", name="Forward").click()
        page.get_by_label(re.compile("Priya")).check()
        page.get_by_label("Note").fill("@Priya can supply cover this?")
        page.get_by_role("button", name="Forward").click()
        expect(page.locator(".messages")).to_contain_text("Forwarded to Priya")
        who["who"] = "priya"
        expect(story.pages["priya"].locator("#bell-count")).to_be_visible(timeout=LIVE)
        story.still_live("priya")


def test_step_06a_priya_drills_down_and_approves_demand(story, cast):
    """6. Priya drills from the forward to the projection, approves demand, ..."""
    with story.step(
        "6a", "Priya sees Leeds below safety in W+3, approves, adds 3,000 in W+2 and publishes", "priya"
    ):
        page = story.pages["priya"]
        page.locator("a.bell").click()
        page.locator(".notifications li", has_text="forwarded you a post").get_by_role("link").first.click()
        expect(page.get_by_text("can supply cover this?").first).to_be_visible()
        page.get_by_role("link", name="Open the post").first.click()
        page.locator(".tags").get_by_role("link", name="Oat Crunch 500g").first.click()
        page.get_by_role("link", name="Projected stock week by week").click()
        table = page.locator("table", has=page.locator("caption", has_text=re.compile("Leeds")))
        row = table.locator("tr", has_text=cast["w3"].strftime("%-d %b %Y"))
        expect(row).to_contain_text("2,400")
        expect(row).to_contain_text("below safety")
        story.doc_shot("priya", "3-projected-stock-below-safety", show=row)
        page = story.open("priya", cast["url"]["demand"])
        transition(page, "Approve")
        expect(page.locator("h1 .badge")).to_have_text("Approved")


def test_step_06b_priya_adds_supply_and_publishes(story, cast):
    """6. ... adds supply and publishes."""
    oat, leeds = cast["oat"], cast["leeds"]
    for name in ("dana", "olu"):
        story.listen(name)
    with story.step("6b", "Priya adds 3,000 cases of production at Leeds in W+2 and publishes", "priya"):
        page = story.open("priya", cast["url"]["supply"] + f"?q=Oat+Crunch+500g&facility={leeds.pk}")
        field = cell(page, oat, None, leeds, cast["w2"])
        expect(field).to_have_value("2000")
        panel, story.supply_saved_at = save_cell_with_note(
            page, field, 5000, "Extra 3,000 cases on line 2 for Contoso's promo"
        )
        expect(panel.locator(".cell-history")).to_contain_text("2,000 → 5,000")
        for button, status in (
            ("Submit for approval", "Submitted"),
            ("Approve", "Approved"),
            ("Publish", "Published"),
        ):
            transition(page, button)
            expect(page.locator("h1 .badge")).to_have_text(status)


def test_step_07_dana_sees_the_stock_alert_resolve_live(story):
    """7. The stock alert at Leeds resolves and the publication lands in Dana's feed, live."""
    with story.step(
        "7", "Dana sees the Leeds stock alert resolve and the supply plan published, live", "dana"
    ):
        page = story.pages["dana"]
        expect(card(page, "Resolved:")).to_be_visible(timeout=LIVE)
        expect(card(page, "Resolved:")).to_contain_text("Leeds")
        expect(card(page, "published")).to_be_visible(timeout=LIVE)
        story.still_live("dana")
        story.timings["supply cell saved -> 'Resolved' on Dana's screen (ms)"] = story.arrived_after(
            "dana", "Resolved:", story.supply_saved_at
        )
        story.doc_shot("dana", "4-depot-feed-alert-resolved")


def test_step_08_dana_posts_on_leeds_and_follows_contoso(story, cast):
    """8. Dana checks the stock, posts on the Leeds depot tagging Contoso, and follows Contoso."""
    with story.step(
        "8", "Dana posts 'Stock in place at Leeds' tagged with Contoso and follows Contoso", "dana"
    ):
        page = story.open("dana", cast["url"]["leeds"])
        expect(page.locator("table", has_text="Stock outlook")).to_contain_text("Oat Crunch 500g")
        page.get_by_label("Post about Leeds").fill("Stock in place at Leeds, ready for Contoso")
        page.get_by_text("Tags, files and visibility").click()
        page.get_by_label("Also about (tag other things)").fill("Contoso")
        page.get_by_role("checkbox", name="Contoso Retail Customer").check()
        page.get_by_role("button", name="Post", exact=True).click()
        posted = page.locator(".feed-item", has_text="Stock in place at Leeds").first
        expect(posted).to_be_visible()
        expect(posted.locator(".tags")).to_contain_text("Contoso Retail")
        page = story.open("dana", cast["url"]["contoso"])
        page.get_by_role("button", name="Follow").click()
        expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()
        story.listen("dana")


def test_step_09a_the_erp_order_arrives_live(story, story_stack, cast):
    """9. The order arrives through the ERP API; Dana is alerted live, ..."""
    number = cast["order"]
    with story.step("9a", "the ERP sends the order; Dana sees it arrive live and is alerted", "dana"):
        assert erp_sends_order(story_stack.url, cast["erp_key"], cast, number)["created"] == 1
        page = story.pages["dana"]
        arrival = card(page, f"Order {number} arrived from Contoso Retail")
        expect(arrival).to_be_visible(timeout=LIVE)
        expect(arrival).to_contain_text("3,600 cases")
        expect(page.locator("#feed-items .feed-item-alert", has_text=number).first).to_be_visible(
            timeout=LIVE
        )
        story.still_live("dana")


def test_step_09b_dana_ships_and_tells_fastfreight(story, cast):
    """9. ... ships it and tells FastFreight."""
    number = cast["order"]
    with story.step(
        "9b",
        "Dana shares the order with FastFreight, marks it shipped and posts for partners",
        "dana",
        "olu",
    ) as who:
        page = story.pages["dana"]
        arrival = card(page, f"Order {number} arrived from Contoso Retail")  # the card step 9a saw arrive
        arrival.get_by_role("link", name=re.compile(f"Order {number}")).first.click()
        page.get_by_role("button", name="Share with FastFreight").click()
        expect(page.locator(".sharing")).to_contain_text("sees this")
        page.get_by_role("button", name="Edit").click()
        page.get_by_label("Status").select_option(label="Shipped")
        page.get_by_role("button", name=re.compile("Save")).click()
        expect(page.locator("dl.fields")).to_contain_text("Shipped")
        page.get_by_label(re.compile("^Post about Order")).fill(
            f"Order {number} shipped from Leeds: 3,600 cases on trailer LD-42, collection 14:00"
        )
        page.get_by_text("Tags, files and visibility").click()
        page.get_by_label("Also partners this is shared with").check()
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator(".feed-item", has_text="trailer LD-42").first).to_be_visible()
        who["who"] = "olu"
        shipped = card(story.pages["olu"], "trailer LD-42")
        expect(shipped).to_be_visible(timeout=LIVE)
        story.still_live("olu")


def test_step_09c_olu_sees_the_shipment_and_nothing_else(story, story_stack, cast):
    number, url, base = cast["order"], cast["url"], story_stack.url
    with story.step("9c", "Olu sees the shipment post and nothing else of Northwind's", "olu"):
        olu = story.pages["olu"]
        olu.reload()
        items = olu.locator("#feed-items .feed-item")
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text("trailer LD-42")
        shipped = card(olu, "trailer LD-42")
        shipped.get_by_role("link", name=re.compile(f"Order {number}")).first.click()
        expect(olu.locator("h1")).to_contain_text(number)
        details = olu.locator("section", has=olu.locator("h2", has_text="Details"))
        expect(details).to_contain_text("3,600")
        expect(details).to_contain_text("Leeds")
        expect(olu.locator(".feed-item")).to_have_count(1)  # the internal arrival post is not his
        story.doc_shot("olu", "5-partner-sees-the-shared-order")
        for path in (
            url["contoso"],
            url["leeds"],
            url["oat"],
            url["demand"],
            f"{SLUG}/planning/",
            f"{SLUG}/rules/",
            f"{SLUG}/audit/",
            f"{SLUG}/planning/projection/",
            url["contoso_subject"],
            f"{SLUG}/alerts/",  # internal alerts are never a partner's (only partner-visible rules' alerts)
        ):
            response = olu.goto(base + path)
            assert response.status == 404, f"Olu opened {path}: {response.status}"
        olu.goto(f"{base}{SLUG}/search/?q=Contoso")
        expect(olu.locator("body")).not_to_contain_text("genuine one-off")


def test_step_10_alex_thanks_everyone(story, cast):
    """10. Alex thanks everyone on the order."""
    number = cast["order"]
    with story.step("10", "Alex posts 'Thanks everyone' on the order", "alex"):
        page = story.open("alex", f"{SLUG}/")  # Alex follows Contoso: the arrival is in his feed
        arrival = card(page, f"Order {number} arrived")
        arrival.get_by_role("link", name=re.compile(f"Order {number}")).first.click()
        page.get_by_label(re.compile("^Post about Order")).fill("Thanks everyone")
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator(".feed-item", has_text="Thanks everyone").first).to_be_visible()
        story.order_path = page.url.removeprefix(story.base)


def test_step_11a_the_order_trail_tells_the_story(story):
    """11. The order's page tells the whole story, in order; ..."""
    with story.step("11a", "the order's trail shows everything that touched it, in order", "alex"):
        page = story.pages["alex"]  # still on the order's page, where step 10 posted
        page.reload()
        trail = page.locator(".trail-section", has_text="Everything that touched this order")
        verbs = trail.locator("[data-verb]").evaluate_all("els => els.map(e => e.dataset.verb)")
        text = trail.inner_text()
        expected = [
            "planning.cell_change",  # Alex: 1,200 -> 4,800 with the note
            "feeds.post_create",  # the note as a post
            "alert.raise",  # the spike and the stock alert
            "feeds.comment_create",  # Sam: "Great news"
            "feeds.post_forward",  # Sam -> Priya
            "planning.version_approve",  # Priya approves the demand
            "alert.auto_resolve",  # Priya's 3,000 in W+2 clears Leeds
            "planning.version_publish",
            "feeds.system_item",  # the order arrived
            "subject.share",
            "feeds.post_create",  # shipped, and Alex's thanks
        ]
        positions, start = [], 0
        for verb in expected:
            assert verb in verbs[start:], f"{verb} missing after position {start}: {verbs}"
            start = verbs.index(verb, start) + 1
            positions.append(start)
        assert "1,200" in text and "4,800" in text, "the plan change shows old -> new"
        assert "Sam Okafor commented" in text and "Great news" in text
        for who in ("Alex", "Sam", "Priya", "Dana"):
            assert who in text, f"{who} is missing from the trail"
        assert verbs.count("alert.raise") >= 2
        story.doc_shot("alex", "6-order-trail", show=trail.locator("h2"))


def test_step_11b_the_audit_log_verifies(story, story_stack):
    """11. ... the audit log verifies."""
    with story.step("11b", "the tenant's audit log verifies as untampered", "morgan"):
        page = story.open("morgan", f"{SLUG}/audit/")
        page.get_by_role("button", name="Verify the chain").click()
        expect(page.locator("#verify-result")).to_contain_text(re.compile(r"Intact: \d+ events verified"))
        verify = subprocess.run(
            [sys.executable, "manage.py", "audit_verify", "--tenant", "northwind"],
            cwd=ROOT,
            env={**story_stack.env, "DATABASE_URL": live_database_url()},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_step_12_pages_fit_a_phone_pass_axe_and_work_by_keyboard(story, cast):
    """Every page the story used, as its person sees it: no sideways scrolling at 390 px (Sam and Olu
    read on phones), no serious or critical axe-core finding, and every control reachable by keyboard."""
    with story.step("12", "the story's pages fit a phone, pass axe and work by keyboard", "sam") as who:
        post_path = (
            card(story.open("sam", f"{SLUG}/"), "genuine one-off")
            .locator(".feed-item-meta a", has=story.pages["sam"].locator("time"))
            .get_attribute("href")
        )
        pages = pages_the_story_used(cast, post_path, story.order_path)
        problems = {}
        for name, path in pages:
            who["who"] = name
            page = story.open(name, path)
            page.wait_for_load_state("networkidle")
            if name in ("sam", "olu"):
                page.set_viewport_size(PHONE)
                assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways on a phone"
            found = axe_violations(page) + [
                f"not reachable by Tab: {h}" for h in unreachable_by_keyboard(page)
            ]
            if found:
                problems[f"{name} {path}"] = found
        assert not problems, json.dumps(problems, indent=2)


def test_step_13_no_script_errors_and_the_timings_are_saved(story):
    errors = {name: page.errors for name, page in story.pages.items() if page.errors}
    assert not errors, f"script errors in the browser: {errors}"
    (SHOTS / "timings.json").write_text(json.dumps(story.timings, indent=2))
