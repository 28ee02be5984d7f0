import datetime as dt

import pytest

from qms.models import CalendarException
from qms.workdays import add_working_days, is_working_day, previous_working_day, working_days_between

D = dt.date


@pytest.mark.django_db
def test_tet_2026_is_five_days_off_so_three_working_days_from_friday_13_february_end_on_the_25th():
    assert [is_working_day(D(2026, 2, d)) for d in range(16, 21)] == [False] * 5
    assert add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)


@pytest.mark.django_db
def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert not is_working_day(D(2026, 11, 28))  # Saturday
    assert not is_working_day(D(2026, 11, 29))  # Sunday
    assert is_working_day(D(2026, 11, 26))  # Thursday


@pytest.mark.django_db
def test_hung_kings_day_on_a_sunday_is_observed_on_the_monday():
    assert not is_working_day(D(2026, 4, 27))


@pytest.mark.django_db
def test_the_new_24_november_holiday_is_a_day_off():
    assert not is_working_day(D(2026, 11, 24))


@pytest.mark.django_db
def test_an_admin_day_off_and_a_make_up_saturday_change_the_count():
    monday = D(2026, 12, 7)
    assert add_working_days(D(2026, 12, 4), 1) == monday
    CalendarException.objects.create(date=monday, kind=CalendarException.Kind.DAY_OFF, note="Hoán đổi")
    CalendarException.objects.create(date=D(2026, 12, 5), kind=CalendarException.Kind.WORKING_DAY, note="Làm bù")
    assert add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 5)
    assert add_working_days(D(2026, 12, 4), 2) == D(2026, 12, 8)


@pytest.mark.django_db
def test_an_agencys_own_day_off_counts_for_it_alone_and_wins_over_the_provinces(organisation, other_organisation):
    monday = D(2026, 12, 7)
    CalendarException.objects.create(organisation=organisation, date=monday, kind=CalendarException.Kind.DAY_OFF)
    assert add_working_days(D(2026, 12, 4), 1, organisation) == D(2026, 12, 8)
    assert add_working_days(D(2026, 12, 4), 1, other_organisation) == monday
    assert add_working_days(D(2026, 12, 4), 1) == monday  # the province's calendar
    saturday = D(2026, 12, 5)
    CalendarException.objects.create(date=saturday, kind=CalendarException.Kind.WORKING_DAY, note="Làm bù cả tỉnh")
    CalendarException.objects.create(organisation=other_organisation, date=saturday, kind=CalendarException.Kind.DAY_OFF)
    assert add_working_days(D(2026, 12, 4), 1, organisation) == saturday
    assert add_working_days(D(2026, 12, 4), 1, other_organisation) == monday


@pytest.mark.django_db
def test_counting_between_dates_skips_tet_and_goes_backwards_too():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert working_days_between(D(2026, 2, 25), D(2026, 2, 13)) == 0
    assert previous_working_day(D(2026, 2, 23)) == D(2026, 2, 13)
    assert add_working_days(D(2026, 2, 25), -3) == D(2026, 2, 13)
