"""The whole path in a real browser, each step by its own user through the real login page."""

import datetime as dt
import os
import shutil

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from conftest import PASSWORD  # noqa: E402
from corrective_actions.models import Ticket, TicketStatus  # noqa: E402

SHOTS = os.environ.get("CA_SHOTS_DIR")  # set to save screenshots (e.g. /tmp/shots)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """pytest-playwright asks for this at session scope; the root conftest's function-scoped version
    raises ScopeMismatch, so this module states the same settings at the right scope."""
    return {
        "headless": True,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _chromium():
    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI")
        pytest.skip("chromium is not installed")


def login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def act(page, action, fill=None):
    section = page.locator(f"[data-testid=action-{action}]")
    for selector, value in (fill or {}).items():
        element = section.locator(selector)
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(label=value)
        elif value is True:
            element.check()
        else:
            element.fill(value)
    section.locator("button[type=submit]").click()
    page.wait_for_load_state()


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/ca-{name}.png", full_page=True)


def test_a_ticket_goes_from_staff_to_a_failed_verification_and_a_linked_new_ticket(
    page, live_server, staff_user, unit_head, committee_head, assignee, other_unit, secretary
):
    login(page, live_server, staff_user)
    page.goto(f"{live_server.url}/corrective-actions/new/")
    page.fill("textarea[name=description]", "Hồ sơ cấp phép trả kết quả chậm 02 ngày so với quy định.")
    page.fill("input[name=process]", "Quy trình cấp giấy phép")
    page.fill("input[name=clause]", "5.3")
    page.select_option("select[name=source]", value="nonconformity")
    shot(page, "open-form")
    page.click("[data-testid=open-form] button[type=submit]")
    page.wait_for_selector("[data-testid=ticket-number]")
    ticket = Ticket.objects.get()
    url = f"{live_server.url}{ticket.get_absolute_url()}"

    login(page, live_server, unit_head)
    page.goto(url)
    act(page, "submit", {"textarea[name=note]": "Cần hành động khắc phục."})
    assert Ticket.objects.get().status == TicketStatus.SUBMITTED

    login(page, live_server, committee_head)
    page.goto(url)
    act(
        page,
        "assign",
        {"select[name=implementing_unit]": other_unit.name, "select[name=assignee]": f"{assignee.display_name} — {other_unit.name}"},
    )
    assert page.locator("[data-testid=assignee]").inner_text() == assignee.display_name

    login(page, live_server, assignee)
    page.goto(url)
    act(
        page,
        "propose",
        {"textarea[name=cause]": "Chưa có bước kiểm tra thời hạn.", "textarea[name=measure]": "Bổ sung bước nhắc hạn tự động."},
    )

    login(page, live_server, committee_head)
    page.goto(url)
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    act(page, "approve", {"input[name=completion_date]": due})
    assert Ticket.objects.get().status == TicketStatus.IN_PROGRESS

    login(page, live_server, assignee)
    page.goto(url)
    act(page, "report", {"textarea[name=result]": "Đã bổ sung bước nhắc hạn, tập huấn cán bộ."})
    shot(page, "reported")

    login(page, live_server, committee_head)
    page.goto(url)
    act(page, "verify", {"input[name=verification][value=failed]": True, "textarea[name=note]": "Còn 02 hồ sơ chậm trong tháng 11."})
    assert page.locator("[data-testid=status]").inner_text() == "Đã đóng – không hiệu lực (mở phiếu mới)"
    chain = page.locator("[data-testid=chain]")
    successor = Ticket.objects.get(predecessor__isnull=False)
    assert successor.number_display in chain.inner_text()
    shot(page, "failed-chain")
    chain.get_by_role("link", name=successor.number_display).click()
    page.wait_for_selector("[data-testid=predecessor]")
    assert page.locator("[data-testid=status]").inner_text() == "Chờ Lãnh đạo Ban ISO phân công"
    assert page.locator("[data-testid=action-assign]").is_visible()
    shot(page, "successor")
