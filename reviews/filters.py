import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.models import Unit

from .models import ActionStatus, Review, ReviewAction, ReviewStatus


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

    class Meta:
        model = Review
        fields = ["q", "year", "kind", "status"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(location__icontains=value) | Q(agenda__icontains=value))


# --- Consolidated report, minutes, signature, distribution, follow-up ---


def _reviews_with_visible_actions(request) -> QuerySet:
    """Only meetings whose actions the user may see: a unit head must not learn other reviews' titles."""
    if request is None:
        return Review.objects.none()
    visible = ReviewAction.objects.visible_to(request.user)
    return Review.objects.filter(actions__in=visible).distinct()


class ReviewActionFilter(django_filters.FilterSet):
    review = django_filters.ModelChoiceFilter(
        label=_("Cuộc họp"),
        queryset=_reviews_with_visible_actions,
        empty_label=_("Tất cả cuộc họp"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị"),
        queryset=Unit.objects.all(),
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

    class Meta:
        model = ReviewAction
        fields = ["review", "responsible_unit", "status", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], deadline__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
