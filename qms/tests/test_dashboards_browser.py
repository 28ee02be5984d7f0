"""The dashboards in a real browser on the demo agency: the secretary's agency-wide one and a unit head's
unit view, at desktop width and at 390 px (a phone): nothing overflows the page sideways, every chart is
drawn, and a bar leads to the filtered list behind it. DASH_SHOTS_DIR=<dir> saves screenshots."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io  # noqa: E402

import pytest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from qms.demo import DEMO_PASSWORD  # noqa: E402

SHOTS = os.environ.get("DASH_SHOTS_DIR")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


def _login(page, live_server, username):
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def _overflow(page) -> int:
    """How many px the page is wider than the window (0 when nothing sticks out sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize(("username", "path"), [("thuky", "/dashboard/"), ("vp.truong", "/dashboard/unit/")])
def test_the_dashboard_fits_a_phone_and_a_desktop_and_its_bars_lead_to_the_lists(page, live_server, restore_roles, username, path):
    call_command("load_demo", stdout=io.StringIO())
    _login(page, live_server, username)
    for width, height, name in ((1280, 900, "desktop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_test_id("dashboard")).to_be_visible()
        assert page.locator("[data-testid=chart] svg.dashboard-chart").count() >= 5
        assert _overflow(page) == 0, f"{name}: the page is wider than the window"
        for box in page.locator("svg.dashboard-chart").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
            assert box <= width
        if SHOTS:
            kind = "unit" if "unit" in path else "agency"
            page.screenshot(path=os.path.join(SHOTS, f"dashboard-{kind}-{name}.png"), full_page=True)
    # From the navigation, then a bar of the tickets chart: the list it names.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("dashboard-link").click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    link = page.locator("[data-chart=tickets_by_state] [data-testid=figure] a").first
    href = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(f"{live_server.url}{href}")
    expect(page.get_by_test_id("filters")).to_be_visible()
