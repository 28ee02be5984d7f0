"""Plausible values (issue 11, point 8) in the review forms: the plan's year within 2000–2100, its dates
within that year give or take one, the minutes' times within 2000–2100, an action's deadline at most five
years ahead; each refusal in Vietnamese names the field (qms.forms.implausible_year / implausible_date)."""

import datetime as dt

import pytest

from qms.tests.factories import default_organisation
from reviews.forms import MinutesContentForm, ReviewActionForm, ReviewPlanForm
from reviews.tests.test_plan import plan_post

pytestmark = pytest.mark.django_db


def _plan_form(unit, secretary, **overrides) -> ReviewPlanForm:
    form = ReviewPlanForm(data=plan_post([unit], [secretary], **overrides), organisation=default_organisation())
    form.is_valid()
    return form


def test_a_plausible_review_plan_passes_the_plausibility_checks(unit, secretary):
    form = _plan_form(unit, secretary)
    assert not {"year", "meeting_start", "meeting_end", "report_deadline"} & set(form.errors), form.errors


def test_a_review_plans_year_outside_2000_to_2100_is_refused_naming_the_year(unit, secretary):
    for year in (1999, 2101, 20026):
        errors = _plan_form(unit, secretary, year=year).errors
        assert "year" in errors and "«Năm»" in errors["year"][0] and "2000" in errors["year"][0], (year, errors)


def test_a_meeting_date_far_from_the_plans_year_is_refused_naming_the_field(unit, secretary, today):
    far = dt.date(today.year + 3, 5, 10)
    errors = _plan_form(unit, secretary, meeting_start=f"{far:%Y-%m-%d}T08:00", meeting_end=f"{far:%Y-%m-%d}T11:00").errors
    assert "«Thời gian bắt đầu họp»" in errors["meeting_start"][0] and "không hợp lệ" in errors["meeting_start"][0]
    assert "meeting_end" in errors
    errors = _plan_form(unit, secretary, report_deadline="1990-01-02").errors
    assert "«Hạn nộp báo cáo đơn vị»" in errors["report_deadline"][0]


def test_minutes_times_outside_2000_to_2100_are_refused_naming_the_field(secretary):
    form = MinutesContentForm(
        data={"version": 1, "started_at": "1900-05-10T08:00", "ended_at": "2300-05-10T11:00"}, organisation=default_organisation()
    )
    form.is_valid()
    assert "«Bắt đầu lúc»" in form.errors["started_at"][0] and "«Kết thúc lúc»" in form.errors["ended_at"][0]


def test_an_action_deadline_more_than_five_years_ahead_is_refused_naming_the_field(unit, today):
    def errors(deadline: dt.date):
        form = ReviewActionForm(
            data={"description": "Rà soát quy trình", "responsible_unit": unit.pk, "deadline": deadline.isoformat()},
            organisation=default_organisation(),
        )
        form.is_valid()
        return form.errors

    assert "deadline" not in errors(dt.date(today.year + 4, today.month, 1))
    refused = errors(dt.date(today.year + 36, 1, 1))
    assert "«Thời hạn»" in refused["deadline"][0] and "không hợp lệ" in refused["deadline"][0]
