"""STORY.md, the acceptance test: all eleven steps played in a real browser on the full stack.

PostgreSQL, Redis, daphne and a Celery worker run as separate processes (`live_stack`); the demo tenant
is the one `make run` loads. Each person has a browser context of their own, logged in through the login
form; Sam reads on a 390 x 844 phone. Live steps (4, 5, 7, 9) are checked on pages opened before the
action, which must not reload. Every step saves screenshots under artifacts/story/; a failing step names
the step and the person and saves theirs as `FAILED-…png`.
"""

import datetime as dt
import io
import json
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from django.utils import timezone

from planning import weeks as wk
from planning.models import Customer, Facility, PlanType, Product
from planning.selectors import working_version
from sopsocial.api.actions import do_create_api_key
from sopsocial.tenancy.models import Membership, Tenant
from tests.live_stack import ROOT
from tests.live_stack import test_database_url as live_database_url

from .browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    unreachable_by_keyboard,
)
from .story import (
    LIVE,
    PASSWORD,
    SHOTS,
    Story,
    erp_sends_order,
    feed_card,
    grid_cell,
    press_transition,
    save_cell_with_note,
)

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser]


@pytest.fixture
def cast(live_stack):
    """The demo tenant `make run` loads, plus what the ERP needs to call the API (its key)."""
    call_command("load_demo", stdout=io.StringIO())
    # The tests hash with MD5 for speed; the server verifies with the hashers of its own settings.
    argon2 = Argon2PasswordHasher()
    get_user_model().objects.filter(memberships__isnull=False).update(
        password=argon2.encode(PASSWORD, argon2.salt())
    )
    tenant = Tenant.objects.get(slug="northwind")
    morgan = Membership.objects.select_related("tenant", "user").get(tenant=tenant, user__username="morgan")
    w0 = wk.this_week()
    oat = Product.objects.get(tenant=tenant, name="Oat Crunch 500g")
    contoso = Customer.objects.get(tenant=tenant, name="Contoso Retail")
    leeds = Facility.objects.get(tenant=tenant, name__icontains="Leeds")
    demand = working_version(tenant, PlanType.DEMAND)
    supply = working_version(tenant, PlanType.SUPPLY)
    return {
        "oat": oat,
        "contoso": contoso,
        "leeds": leeds,
        # URLs now: inside the browser loop the ORM is off limits (get_absolute_url reads the tenant).
        "url": {
            "oat": oat.get_absolute_url(),
            "contoso": contoso.get_absolute_url(),
            "contoso_subject": contoso.subject.get_absolute_url(),
            "leeds": leeds.get_absolute_url(),
            "demand": demand.get_absolute_url(),
            "demand_page": demand.subject.get_absolute_url(),
            "supply": supply.get_absolute_url(),
        },
        "w2": w0 + dt.timedelta(weeks=2),
        "w3": w0 + dt.timedelta(weeks=3),
        "today": timezone.localdate(),
        "erp_key": do_create_api_key(morgan, "ERP (SAP)")[1],
    }


def test_the_story_plays_end_to_end_on_the_full_stack(live_stack, cast):
    from playwright.sync_api import expect, sync_playwright

    oat, contoso, leeds, url = (cast[k] for k in ("oat", "contoso", "leeds", "url"))
    base, slug = live_stack.url, "/t/northwind"
    note = "Confirmed by Contoso's buyer, genuine one-off for their promo"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        story = Story(browser, base)
        for name in ("morgan", "alex", "priya", "dana", "olu", "sam"):
            with story.step("0", "logs in through the login form", name):
                story.person(name, PHONE if name == "sam" else DESKTOP)

        # 1. The rules are configured and on.
        with story.step("1", "Morgan sees both story rules configured and on", "morgan"):
            page = story.open("morgan", f"{slug}/rules/")
            for rule, severity in (
                ("Demand spike", "High"),
                ("Projected stock below safety stock", "Medium"),
            ):
                row = page.locator("tr", has_text=rule)
                expect(row).to_contain_text(severity)
                expect(row.get_by_role("button", name=f"{rule} is on, switch off")).to_be_visible()
            # Morgan follows the brand only: step 3 shows a brand follower gets its products' posts.
            page = story.open("morgan", f"{slug}/planning/brands/")
            page.get_by_role("link", name="Crunchy").click()
            page.get_by_role("button", name="Follow").click()
            expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()

        # Those who should see steps 2-4 live have their home feed open.
        for name in ("sam", "dana", "priya"):
            story.listen(name)

        # 2. Alex raises Contoso's W+3 forecast with a note and a screenshot of the demand analysis.
        with story.step(
            "2", "Alex saves 1,200 -> 4,800 with a note and a PNG, then submits the plan", "alex"
        ):
            page = story.open("alex", url["contoso"])
            analysis = SHOTS / "demand-analysis.png"
            page.screenshot(path=str(analysis))
            page = story.open("alex", url["demand"] + f"?customer={contoso.pk}&q=Oat+Crunch+500g")
            cell = grid_cell(page, oat, contoso, leeds, cast["w3"])
            expect(cell).to_have_value("1200")
            panel, saved_at = save_cell_with_note(page, cell, 4800, note, files=[analysis])
            expect(panel.get_by_role("status")).to_have_text("Saved.")
            expect(panel.locator(".cell-history")).to_contain_text("1,200 → 4,800")
            expect(panel.locator(".cell-notes")).to_contain_text("genuine one-off")
            story.doc_shot("alex", "1-grid-cell-with-note", show=cell)
            press_transition(page, "Submit for approval")
            expect(page.locator("h1 .badge")).to_have_text("Submitted")

        # 3. The note is a post on Contoso's, the product's and the demand plan's feeds, with the PNG.
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
            page = story.open("morgan", f"{slug}/")
            post = feed_card(page, "genuine one-off")
            expect(post).to_be_visible()
            expect(post.locator(".why")).to_contain_text("Crunchy")

        # 4. The spike alert lands live, without reload, in the followers' feeds; Leeds goes below safety.
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
                expect(feed_card(page, "genuine one-off")).to_be_visible(timeout=LIVE)
                story.still_live(name)
            story.doc_shot("sam", "2-phone-feed-with-live-alert")
            story.timings["cell saved -> spike alert on Sam's phone (ms)"] = story.arrived_after(
                "sam", "4,800 vs 1,200", saved_at
            )
            who["who"] = "dana"
            expect(
                story.pages["dana"].locator("#feed-items .feed-item-alert", has_text="Leeds").first
            ).to_be_visible(timeout=LIVE)
            story.still_live("dana")

        # 5. Sam, on his phone, comments and forwards the post to Priya, who is notified live.
        with story.step(
            "5", "Sam comments and forwards to Priya from his phone; Priya's bell rings", "sam", "priya"
        ) as who:
            page = story.pages["sam"]
            post = feed_card(page, "genuine one-off")
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

        # 6. Priya drills from the forward to the projection, approves demand, adds supply and publishes.
        with story.step(
            "6a", "Priya sees Leeds below safety in W+3, approves, adds 3,000 in W+2 and publishes", "priya"
        ):
            page = story.pages["priya"]
            page.locator("a.bell").click()
            page.locator(".notifications li", has_text="forwarded you a post").get_by_role(
                "link"
            ).first.click()
            expect(page.get_by_text("can supply cover this?").first).to_be_visible()
            page.get_by_role("link", name="Open the post").first.click()
            page.locator(".tags").get_by_role("link", name="Oat Crunch 500g").first.click()
            page.get_by_role("link", name="Projected stock week by week").click()
            table = page.locator("table", has=page.locator("caption", has_text=re.compile("Leeds")))
            row = table.locator("tr", has_text=cast["w3"].strftime("%-d %b %Y"))
            expect(row).to_contain_text("2,400")
            expect(row).to_contain_text("below safety")
            story.doc_shot("priya", "3-projected-stock-below-safety", show=row)
            page = story.open("priya", url["demand"])
            press_transition(page, "Approve")
            expect(page.locator("h1 .badge")).to_have_text("Approved")
        for name in ("dana", "olu"):
            story.listen(name)
        with story.step("6b", "Priya adds 3,000 cases of production at Leeds in W+2 and publishes", "priya"):
            page = story.open("priya", url["supply"] + f"?q=Oat+Crunch+500g&facility={leeds.pk}")
            cell = grid_cell(page, oat, None, leeds, cast["w2"])
            expect(cell).to_have_value("2000")
            panel, saved_at = save_cell_with_note(
                page, cell, 5000, "Extra 3,000 cases on line 2 for Contoso's promo"
            )
            expect(panel.locator(".cell-history")).to_contain_text("2,000 → 5,000")
            for button, status in (
                ("Submit for approval", "Submitted"),
                ("Approve", "Approved"),
                ("Publish", "Published"),
            ):
                press_transition(page, button)
                expect(page.locator("h1 .badge")).to_have_text(status)

        # 7. The stock alert at Leeds resolves and the publication lands in Dana's feed, live.
        with story.step(
            "7", "Dana sees the Leeds stock alert resolve and the supply plan published, live", "dana"
        ):
            page = story.pages["dana"]
            expect(feed_card(page, "Resolved:")).to_be_visible(timeout=LIVE)
            expect(feed_card(page, "Resolved:")).to_contain_text("Leeds")
            expect(feed_card(page, "published")).to_be_visible(timeout=LIVE)
            story.still_live("dana")
            story.timings["supply cell saved -> 'Resolved' on Dana's screen (ms)"] = story.arrived_after(
                "dana", "Resolved:", saved_at
            )
            story.doc_shot("dana", "4-depot-feed-alert-resolved")

        # 8. Dana checks the stock, posts on the Leeds depot tagging Contoso, and follows Contoso.
        with story.step(
            "8", "Dana posts 'Stock in place at Leeds' tagged with Contoso and follows Contoso", "dana"
        ):
            page = story.open("dana", url["leeds"])
            expect(page.locator("table", has_text="Stock outlook")).to_contain_text("Oat Crunch 500g")
            page.get_by_label("Post about Leeds").fill("Stock in place at Leeds, ready for Contoso")
            page.get_by_text("Tags, files and visibility").click()
            page.get_by_label("Also about (tag other things)").fill("Contoso")
            page.get_by_role("checkbox", name="Contoso Retail Customer").check()
            page.get_by_role("button", name="Post", exact=True).click()
            posted = page.locator(".feed-item", has_text="Stock in place at Leeds").first
            expect(posted).to_be_visible()
            expect(posted.locator(".tags")).to_contain_text("Contoso Retail")
            page = story.open("dana", url["contoso"])
            page.get_by_role("button", name="Follow").click()
            expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()
            story.listen("dana")

        # 9. The order arrives through the ERP API; Dana is alerted live, ships it and tells FastFreight.
        number = f"SO-{cast['today']:%y%m%d}-3600"
        with story.step("9a", "the ERP sends the order; Dana sees it arrive live and is alerted", "dana"):
            assert erp_sends_order(base, cast["erp_key"], cast, number)["created"] == 1
            page = story.pages["dana"]
            arrival = feed_card(page, f"Order {number} arrived from Contoso Retail")
            expect(arrival).to_be_visible(timeout=LIVE)
            expect(arrival).to_contain_text("3,600 cases")
            expect(page.locator("#feed-items .feed-item-alert", has_text=number).first).to_be_visible(
                timeout=LIVE
            )
            story.still_live("dana")
        with story.step(
            "9b",
            "Dana shares the order with FastFreight, marks it shipped and posts for partners",
            "dana",
            "olu",
        ) as who:
            page = story.pages["dana"]
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
            olu = story.pages["olu"]
            shipped = feed_card(olu, "trailer LD-42")
            expect(shipped).to_be_visible(timeout=LIVE)
            story.still_live("olu")

        with story.step("9c", "Olu sees the shipment post and nothing else of Northwind's", "olu"):
            olu.reload()
            items = olu.locator("#feed-items .feed-item")
            expect(items).to_have_count(1)
            expect(items.first).to_contain_text("trailer LD-42")
            shipped = feed_card(olu, "trailer LD-42")
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
                f"{slug}/planning/",
                f"{slug}/rules/",
                f"{slug}/audit/",
                f"{slug}/planning/projection/",
                url["contoso_subject"],
            ):
                response = olu.goto(base + path)
                assert response.status == 404, f"Olu opened {path}: {response.status}"
            olu.goto(f"{base}{slug}/alerts/")
            expect(olu.locator("body")).not_to_contain_text("4,800")
            olu.goto(f"{base}{slug}/search/?q=Contoso")
            expect(olu.locator("body")).not_to_contain_text("genuine one-off")

        # 10. Alex thanks everyone on the order.
        with story.step("10", "Alex posts 'Thanks everyone' on the order", "alex"):
            page = story.open("alex", f"{slug}/")  # Alex follows Contoso: the arrival is in his feed
            arrival = feed_card(page, f"Order {number} arrived")
            arrival.get_by_role("link", name=re.compile(f"Order {number}")).first.click()
            page.get_by_label(re.compile("^Post about Order")).fill("Thanks everyone")
            page.get_by_role("button", name="Post", exact=True).click()
            expect(page.locator(".feed-item", has_text="Thanks everyone").first).to_be_visible()
            order_path = page.url.removeprefix(base)

        # 11. The order's page tells the whole story, in order; the audit log verifies.
        with story.step("11a", "the order's trail shows everything that touched it, in order", "alex"):
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

        with story.step("11b", "the tenant's audit log verifies as untampered", "morgan"):
            page = story.open("morgan", f"{slug}/audit/")
            page.get_by_role("button", name="Verify the chain").click()
            expect(page.locator("#verify-result")).to_contain_text(re.compile(r"Intact: \d+ events verified"))
            verify = subprocess.run(
                [sys.executable, "manage.py", "audit_verify", "--tenant", "northwind"],
                cwd=ROOT,
                env={**live_stack.env, "DATABASE_URL": live_database_url()},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert verify.returncode == 0, verify.stdout + verify.stderr

        # Phone and accessibility checks on the pages the story used, as Sam and Olu see them.
        # Every page the story used, as its person sees it: no sideways scrolling at 390 px, no serious or
        # critical axe-core finding, and every control reachable with the keyboard.
        with story.step("12", "the story's pages fit a phone, pass axe and work by keyboard", "sam") as who:
            post_path = (
                feed_card(story.open("sam", f"{slug}/"), "genuine one-off")
                .locator(".feed-item-meta a", has=story.pages["sam"].locator("time"))
                .get_attribute("href")
            )
            pages = [
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

        errors = {name: page.errors for name, page in story.pages.items() if page.errors}
        assert not errors, f"script errors in the browser: {errors}"
        (SHOTS / "timings.json").write_text(json.dumps(story.timings, indent=2))
        browser.close()
