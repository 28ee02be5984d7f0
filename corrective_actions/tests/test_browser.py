"""The whole path in a real browser, each step by its own user through the real login page."""

import datetime as dt
import os
import shutil

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402

from conftest import PASSWORD  # noqa: E402
from corrective_actions import services  # noqa: E402
from corrective_actions.models import Ticket, TicketStatus, Verification  # noqa: E402
from qms.roles import Role  # noqa: E402
from qms.tests.factories import UserFactory  # noqa: E402

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
    act(page, "submit", {"input[name=signs][value=recurring]": True, "textarea[name=note]": "Cần hành động khắc phục."})
    assert Ticket.objects.get().status == TicketStatus.SUBMITTED

    login(page, live_server, committee_head)  # 5.3: nothing to assign before the secretary presents
    page.goto(url)
    assert page.locator("[data-testid=action-assign]").count() == 0

    login(page, live_server, secretary)
    page.goto(f"{live_server.url}/corrective-actions/present/")
    page.check(f"input[name=tickets][value='{ticket.pk}']")
    page.fill("textarea[name=note]", "Trình Trưởng ban phân công.")
    page.click("[data-testid=present-form] button[type=submit]")
    page.wait_for_load_state()
    assert Ticket.objects.get().status == TicketStatus.PRESENTED

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


def test_the_unit_head_assigns_a_direct_handling_the_doer_records_it_and_the_checker_confirms(
    page, live_server, staff_user, unit_head, unit
):
    """5.1.1 in the browser: the head chooses "Sửa chữa/khắc phục", names who does it and who checks it."""
    doer = UserFactory(username="xuly", full_name="Lê Văn Xử Lý", unit=unit, roles=[Role.STAFF])
    ticket = services.ticket_open(actor=staff_user, requesting_unit=unit, description="Bản sao kết quả ghi sai số điện thoại.")
    url = f"{live_server.url}{ticket.get_absolute_url()}"

    login(page, live_server, unit_head)
    page.goto(url)
    act(
        page,
        "correct",
        {
            "input[name=correction_kind][value=repair]": True,
            "select[name=handler]": f"{doer.display_name} — {unit.name}",
            "select[name=checker]": f"{unit_head.display_name} — {unit.name}",
            "textarea[name=note]": "Sửa ngay trong ngày.",
        },
    )
    assert page.locator("[data-testid=handler]").inner_text() == doer.display_name
    assert Ticket.objects.get().status == TicketStatus.HANDLING

    login(page, live_server, doer)
    page.goto(url)
    assert page.locator("[data-testid=action-handle] [name=repair_scope]").count() == 1
    assert page.locator("[data-testid=action-handle] [name=discard_method]").count() == 0
    act(
        page,
        "handle",
        {"textarea[name=correction_result]": "Đã cấp lại bản sao đúng.", "textarea[name=repair_scope]": "Sửa số điện thoại."},
    )
    assert Ticket.objects.get().status == TicketStatus.HANDLED
    shot(page, "handled")

    login(page, live_server, unit_head)
    page.goto(url)
    act(page, "confirm_handling", {"textarea[name=note]": "Đã kiểm tra bản sao."})
    assert page.locator("[data-testid=status]").inner_text() == "Đã xử lý trực tiếp (khắc phục)"
    assert "Đã cấp lại bản sao đúng." in page.locator("[data-testid=correction-result]").inner_text()
    shot(page, "confirmed")


def test_a_verifier_fails_an_unreported_ticket_at_its_deadline(page, live_server, drive, committee_head, today):
    """5.6–5.7: the completion date came and nothing was reported: the verifier records "Không đạt — chưa
    thực hiện", the ticket closes as not effective and the linked new ticket opens."""
    ticket = drive("in_progress", completion_date=today)
    url = f"{live_server.url}{ticket.get_absolute_url()}"
    login(page, live_server, committee_head)
    page.goto(url)
    section = page.locator("[data-testid=action-verify]")
    assert section.locator("input[name=verification][value=passed]").count() == 0
    act(page, "verify", {"input[name=verification][value=not_done]": True, "textarea[name=note]": "Không có bằng chứng thực hiện."})
    assert page.locator("[data-testid=status]").inner_text() == "Đã đóng – không hiệu lực (mở phiếu mới)"
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.verification == Verification.NOT_DONE
    successor = Ticket.objects.get(predecessor=ticket)
    page.locator("[data-testid=chain]").get_by_role("link", name=successor.number_display).click()
    page.wait_for_selector("[data-testid=predecessor]")
    assert "Không đạt — chưa thực hiện" in page.locator("[data-testid=description]").inner_text()
    shot(page, "unreported-failed")
