"""The journey in a real browser, each step by its own user through the real login page: a unit head
drafts and submits the unit's plan; the agency head approves the agency's plan; a measurement is
entered; the year-end report renders."""

import io
import os
import shutil
from decimal import Decimal

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from conftest import PASSWORD  # noqa: E402
from objectives.models import Measurement, Plan, PlanStatus  # noqa: E402
from objectives.tests.conftest import plan_with_objective  # noqa: E402

SHOTS = os.environ.get("OBJ_SHOTS_DIR")  # set (e.g. /tmp/shots) to save screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("restore_roles")]


@pytest.fixture(scope="session")
def browser_type_launch_args():
    # Session scope, as pytest-playwright asks; same settings as the root conftest.
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


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"obj-{name}.png"), full_page=True)


def test_a_unit_head_drafts_and_submits_the_units_plan(page, live_server, unit, unit_head):
    login(page, live_server, unit_head)
    page.goto(f"{live_server.url}/objectives/")
    page.click("[data-testid=new-plan]")
    page.fill("input[name=year]", "2027")
    page.select_option("select[name=scope]", str(unit.pk))
    page.uncheck("input[name=copy_previous]")
    page.click("[data-testid=plan-create-form] button[type=submit]")
    page.click("[data-testid=add-objective]")
    page.fill("textarea[name=statement]", "Văn bản đến được xử lý đúng hạn từ 98% trở lên")
    page.fill("input[name=indicator]", "Tỷ lệ văn bản đến xử lý đúng hạn")
    page.fill("input[name=target]", "chín mươi tám")  # a target that is not a number
    page.fill("textarea[name=evaluation_method]", "Thống kê trên hệ thống văn bản theo quý")
    page.fill("textarea[name=actions-0-description]", "Phân loại, chuyển văn bản đến trong ngày")
    page.fill("input[name=actions-0-responsible]", "Bộ phận văn thư")
    page.fill("input[name=actions-0-deadline]", "2027-12-15")
    page.click("[data-testid=objective-form] button[type=submit]")
    assert "không phải là số" in page.locator("[data-testid=objective-form]").inner_text()
    assert page.input_value("textarea[name=actions-0-description]") == "Phân loại, chuyển văn bản đến trong ngày"
    shot(page, "browser-bad-target")
    page.fill("input[name=target]", "98")
    page.click("[data-testid=objective-form] button[type=submit]")
    page.wait_for_selector("[data-testid=objective]")
    page.click("[data-testid=submit-plan]")
    page.wait_for_selector("[data-testid=message]")
    shot(page, "browser-submitted")
    plan = Plan.objects.get(year=2027, unit=unit)
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_by == unit_head
    assert "Đã trình, chờ phê duyệt" in page.inner_text("[data-testid=plan-status]")


def test_the_top_leader_approves_the_agencys_plan(page, live_server, secretary, top_leader):
    plan = plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.SUBMITTED)
    login(page, live_server, top_leader)
    page.click(f"a[href='/objectives/plans/{plan.pk}/']")  # from the home page panel
    shot(page, "browser-to-approve")
    page.click("[data-testid=approve-plan]")
    page.wait_for_selector("[data-testid=message]")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == top_leader
    assert page.locator("[data-testid=add-objective]").count() == 0  # locked


def test_a_measurement_is_entered_and_the_year_end_report_renders(page, live_server, unit, staff_user, unit_head):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED, target=Decimal("95"))
    login(page, live_server, staff_user)
    page.goto(f"{live_server.url}/objectives/plans/{plan.pk}/")
    page.click("[data-testid=measure]")
    page.select_option("select[name=period]", "1")
    page.fill("input[name=value]", "96,5")
    page.fill("textarea[name=comment]", "Số liệu quý I từ hệ thống")
    page.click("[data-testid=measurement-form] button[type=submit]")
    page.wait_for_selector("[data-testid=objective-status]")
    assert page.inner_text("[data-testid=objective-status]") == "Đúng tiến độ"
    assert Measurement.objects.get().value == Decimal("96.5")
    shot(page, "browser-measured")
    login(page, live_server, unit_head)
    page.goto(f"{live_server.url}/objectives/plans/{plan.pk}/")
    page.click("[data-testid=evaluate]")
    page.check("input[name=result][value=achieved]")
    page.fill("input[name=actual]", "96,5")
    page.click("[data-testid=evaluation-form] button[type=submit]")
    page.wait_for_selector("[data-testid=evaluation]")
    page.click("[data-testid=close-evaluation]")
    page.wait_for_selector("[data-testid=message]")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.EVALUATED
    shot(page, "browser-evaluated")
    href = page.get_attribute("[data-testid=report-pdf]", "href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "BÁO CÁO THỰC HIỆN MỤC TIÊU CHẤT LƯỢNG NĂM 2026" in " ".join(text.split())
    assert "96,5%" in text and "Đạt" in text
