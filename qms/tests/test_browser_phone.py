"""Every list page at 390 px (a phone), opened in a real browser by the role that uses it: the page never
scrolls sideways and each row's status stays visible (issue 16, "Phones")."""

import datetime as dt
import os
import shutil

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402

from conftest import PASSWORD, give_signer  # noqa: E402
from corrective_actions.tests.factories import TicketFactory  # noqa: E402
from objectives.tests.factories import PlanFactory  # noqa: E402
from qms.models import Notification  # noqa: E402
from reviews.tests.factories import collecting_review, signed_review  # noqa: E402
from risks.tests.factories import RiskFactory  # noqa: E402

SHOTS = os.environ.get("PHONE_SHOTS_DIR")  # set (e.g. /tmp/shots) to save screenshots at 390 px and desktop
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LONG = "Hồ sơ thủ tục hành chính lĩnh vực đất đai tiếp nhận tại bộ phận một cửa không có phiếu kiểm soát quá trình " * 2

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium") and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI")
        pytest.skip("chromium is not installed at /usr/bin/chromium")


def login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def check_phone(page, live_server, path, name, *, rows=None):
    """Opens `path` at 390 px: no sideways scrolling, and every status cell (`rows` of them) is shown
    inside the screen's width."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide at 390 px"
    if rows is not None:
        statuses = page.locator("[data-testid=row-status]")
        assert statuses.count() == rows
        for i in range(rows):
            cell = statuses.nth(i)
            assert cell.is_visible()
            assert cell.inner_text().strip()
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
            # Nothing inside the status cell (a long badge) is cut off by its card.
            assert cell.evaluate(
                "e => { const card = e.closest('tr, .list-group-item').getBoundingClientRect();"
                " return [...e.querySelectorAll('*')].every(c => c.getBoundingClientRect().right <= card.right + 1); }"
            ), cell.inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"phone-{name}-390.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=os.path.join(SHOTS, f"phone-{name}-desktop.png"), full_page=True)


def test_a_unit_head_reads_tickets_actions_objectives_and_risks_on_a_phone(
    page, live_server, unit, unit_head, secretary, committee_head, today, signing_ca
):
    give_signer(signing_ca, committee_head)  # the chair signs the minutes with a certificate
    for _ in range(2):
        TicketFactory(requesting_unit=unit, description=LONG, assignee=unit_head)
    signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[(LONG, unit, today + dt.timedelta(days=28)), ("Rà soát quy trình tiếp nhận hồ sơ", unit, today + dt.timedelta(days=14))],
    )
    PlanFactory(unit=unit, year=today.year, created_by=unit_head)
    for _ in range(2):
        RiskFactory(unit=unit, organisation=unit.organisation, description=LONG, response=LONG, created_by=unit_head)
    login(page, live_server, unit_head)
    check_phone(page, live_server, "/", "home-unit-head", rows=6)  # the draft plan, its lateness, two tickets, two actions
    check_phone(page, live_server, "/corrective-actions/", "tickets", rows=2)
    check_phone(page, live_server, "/reviews/actions/", "review-actions", rows=2)
    check_phone(page, live_server, f"/objectives/?year={today.year}", "objectives", rows=1)
    check_phone(page, live_server, "/risks/", "risks", rows=2)


def test_the_secretary_reads_reviews_home_and_inbox_on_a_phone(page, live_server, unit, other_unit, secretary):
    for _ in range(3):
        collecting_review(units=[unit, other_unit], number=None, created_by=secretary, location=LONG[:200])
    Notification.objects.create(recipient=secretary, subject=LONG[:200], body=LONG, url="/reviews/", created_at=timezone.now())
    login(page, live_server, secretary)
    check_phone(page, live_server, "/", "home-secretary")
    check_phone(page, live_server, "/reviews/", "reviews", rows=3)
    check_phone(page, live_server, "/inbox/", "inbox", rows=1)  # the unread one says so, not by colour alone
