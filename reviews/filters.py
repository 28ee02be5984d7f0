import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.models import Unit
from qms.search import text_search
from qms.tenancy import is_overseer

from .models import ActionStatus, Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus


def late_reports(today=None) -> Q:
    """Unit reports first submitted after the deadline (is_late is judged on the first submission), or
    never submitted with the deadline passed. A report submitted in time and returned for revision is not
    late, however long its revision takes."""
    today = today or timezone.localdate()
    never_submitted = ~Q(status=UnitReportStatus.SUBMITTED) & Q(first_submitted_at__isnull=True)
    return Q(is_late=True) | (never_submitted & Q(review__report_deadline__lt=today))


class _AgencyChoice(django_filters.NumberFilter):
    """`?organisation=<pk>`: the overview's drill-down to one agency. It only narrows what visible_to
    already allows, so an agency's user asking for another agency gets an empty list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "organisation")
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)


class ReviewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="search")
    year = django_filters.NumberFilter(label=_("Năm"), widget=forms.NumberInput(attrs={"placeholder": _("Năm")}))
    kind = django_filters.ChoiceFilter(
        label=_("Loại"),
        choices=Review.Kind.choices,
        empty_label=_("Tất cả loại"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=ReviewStatus.choices,
        empty_label=_("Tất cả trạng thái"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organisation = _AgencyChoice(label=_("Cơ quan"))
    late = django_filters.BooleanFilter(label=_("Có báo cáo đơn vị muộn"), method="filter_late", widget=forms.HiddenInput)

    class Meta:
        model = Review
        fields = ["q", "year", "kind", "status", "organisation", "late"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(text_search(("title", "location", "agenda"), value)) if value.strip() else queryset

    def filter_late(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = Exists(UnitReport.objects.filter(late_reports(), review=OuterRef("pk")))
        return queryset.filter(late) if value else queryset.exclude(late)


# --- Consolidated report, minutes, signature, distribution, follow-up ---


def _reviews_with_visible_actions(request) -> QuerySet:
    """Only meetings whose actions the user may see: a unit head must not learn other reviews' titles."""
    if request is None:
        return Review.objects.none()
    visible = ReviewAction.objects.visible_to(request.user)
    return Review.objects.filter(actions__in=visible).distinct()


def _units_of_user(request) -> QuerySet:
    """The units the user may filter by: their agency's (every agency's for the provincial overseer)."""
    if request is None or not request.user.is_authenticated:
        return Unit.objects.none()
    if is_overseer(request.user):
        return Unit.objects.select_related("organisation").order_by("organisation__name", "order", "name")
    return Unit.objects.of(request.user.organisation_id)


class ReviewActionFilter(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(
        label=_("Cuộc họp"),
        queryset=_reviews_with_visible_actions,
        empty_label=_("Tất cả cuộc họp"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị"),
        queryset=_units_of_user,
        empty_label=_("Tất cả đơn vị"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=ActionStatus.choices,
        empty_label=_("Tất cả trạng thái"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Quá hạn"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[("", _("Tất cả")), ("true", _("Chỉ quá hạn")), ("false", _("Không quá hạn"))],
            attrs={"class": "form-select"},
        ),
    )

    organisation = _AgencyChoice(label=_("Cơ quan"), field_name="review__organisation")
    year = django_filters.NumberFilter(label=_("Năm"), field_name="review__year", widget=forms.HiddenInput)

    class Meta:
        model = ReviewAction
        fields = ["review", "responsible_unit", "status", "overdue", "organisation", "year"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
