"""Steps 5–7 on screen: the consolidated report BM.HT.06.03, the minutes, their signature and revision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest
from qms.roles import role_permission_required
from qms.security import password_reverify
from qms.services import audit_trail
from qms.signing import SigningError
from qms.signing.throttle import secret_failed, secret_locked, secret_succeeded

from .. import pdf, rules, selectors, services
from ..forms import (
    ConsolidatedReportForm,
    MinutesAttendeeFormSet,
    MinutesContentForm,
    MinutesRevisionForm,
    MinutesSignForm,
    ReviewActionFormSet,
)
from ..models import (
    BRIEFING_NUMBER_FIELDS,
    CONSOLIDATED_S3_PARTS,
    MINUTES_CONTENT_FIELDS,
    SECTION_FIELDS,
    ConsolidatedReport,
    Minutes,
    Review,
)
from ..signatures import minutes_stored_check

# --- The consolidated report BM.HT.06.03 ---


def _visible_review(request: AuthenticatedHttpRequest, pk: int) -> Review:
    return get_object_or_404(Review.objects.visible_to(request.user), pk=pk)


def _consolidated(request: AuthenticatedHttpRequest, pk: int) -> ConsolidatedReport:
    review = _visible_review(request, pk)
    visible = pdf.consolidated_visible_to(request.user).select_related("review", "updated_by")
    return get_object_or_404(visible, review=review)


@login_required
@role_permission_required("reviews.view_consolidatedreport")
def consolidated_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _consolidated(request, pk)
    actions = rules.consolidated_actions(report, request.user)
    context = {
        "report": report,
        "review": report.review,
        "actions": actions,
        "staleness": selectors.consolidated_staleness(report),
        "can_rebuild": "rebuild" in actions,
        "audit_entries": audit_trail(report),
    }
    return render(request, "reviews/consolidated_detail.html", context)


@login_required
@role_permission_required("reviews.manage_review")
def consolidated_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _consolidated(request, pk)
    initial = {"version": report.version, **{f: getattr(report, f) for f in [*SECTION_FIELDS, *CONSOLIDATED_S3_PARTS]}}
    form = ConsolidatedReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consolidated_report_save(report=report, actor=request.user, version=data["version"], data=data)
        except ServiceError as exc:
            form.add_error(None, exc.message)  # the user's text stays in the re-rendered form
        else:
            messages.success(request, _("Đã lưu báo cáo tổng hợp."))
            return redirect("reviews:consolidated_detail", pk=pk)
    context = {"form": form, "report": report, "review": report.review, "can_regenerate": rules.consolidated_regenerable(report.review)}
    return render(request, "reviews/consolidated_form.html", context)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def consolidated_generate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    try:
        services.consolidated_report_generate(review=review, actor=request.user, regenerate=request.POST.get("regenerate") == "1")
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:detail", pk=pk)
    messages.success(request, _("Đã tổng hợp báo cáo từ các báo cáo đơn vị đã nộp."))
    return redirect("reviews:consolidated_edit", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def consolidated_rebuild(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The stale notice's button: build again from the reports submitted now, keeping the secretary's edits
    where the sections' inputs did not change."""
    report = _consolidated(request, pk)
    try:
        outcome = services.consolidated_report_rebuild(report=report, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:consolidated_detail", pk=pk)
    count = len(outcome.report.sources)
    done = ngettext(
        "Đã lập lại báo cáo tổng hợp từ %(n)s báo cáo đơn vị đã nộp.",
        "Đã lập lại báo cáo tổng hợp từ %(n)s báo cáo đơn vị đã nộp.",
        count,
    ) % {"n": count}
    if outcome.kept_edits:
        done += " " + _("Giữ nội dung đã biên tập ở mục %(list)s.") % {"list": ", ".join(map(str, outcome.kept_edits))}
    messages.success(request, done)
    if outcome.overwritten_edits:
        messages.warning(
            request,
            _(
                "Mục %(list)s đã được biên tập nhưng báo cáo đơn vị thay đổi nên được lập lại; nội dung đã biên tập được "
                "lưu trong nhật ký của báo cáo."
            )
            % {"list": ", ".join(map(str, outcome.overwritten_edits))},
        )
    return redirect("reviews:consolidated_detail", pk=pk)


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def consolidated_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _consolidated(request, pk)
    try:
        services.consolidated_report_finalise(report=report, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Báo cáo tổng hợp đã hoàn thiện."))
    return redirect("reviews:consolidated_detail", pk=pk)


# --- The minutes ---


@login_required
@role_permission_required("reviews.manage_review")
@require_POST
def minutes_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    try:
        minutes = services.minutes_create(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:detail", pk=pk)
    return redirect("reviews:minutes_edit", pk=minutes.pk)


def _visible_minutes(request: AuthenticatedHttpRequest, pk: int) -> Minutes:
    qs = Minutes.objects.visible_to(request.user).select_related(
        "review", "organisation", "chair", "secretary", "signed_by", "supersedes", "updated_by"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@role_permission_required("reviews.view_minutes")
def minutes_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    minutes = _visible_minutes(request, pk)
    user = request.user
    successor = Minutes.objects.filter(supersedes=minutes).first()
    context = {
        "minutes": minutes,
        "review": minutes.review,
        "org": minutes.organisation,
        "attendance": minutes.attendance.all(),
        "actions": minutes.actions.select_related("responsible_unit"),
        "minutes_actions": rules.minutes_actions(minutes, user, successor=successor),
        "content_unchanged": selectors.minutes_content_unchanged(minutes),
        "stored_check": minutes_stored_check(minutes, user),
        "deliveries": minutes.deliveries.select_related("recipient") if rules.can_manage(user) else None,
        "successor": successor,
        "audit_entries": audit_trail(minutes),
    }
    return render(request, "reviews/minutes_detail.html", context)


def _minutes_forms(request: AuthenticatedHttpRequest, minutes: Minutes) -> tuple[MinutesContentForm, forms.BaseFormSet, forms.BaseFormSet]:
    attendance = [
        {"id": a.pk, "user": a.user_id, "name": a.name, "title": a.title, "presence": a.presence, "replaced_by": a.replaced_by}
        for a in minutes.attendance.all()
    ]
    actions = list(minutes.actions.all())
    kept = {a.pk: a.deadline for a in actions if a.origin_id}
    initial = {
        "version": minutes.version,
        "chair": minutes.chair_id,
        "secretary": minutes.secretary_id,
        **{f: getattr(minutes, f) for f in [*MINUTES_CONTENT_FIELDS, *BRIEFING_NUMBER_FIELDS, "started_at", "ended_at"]},
    }
    data = request.POST if request.method == "POST" else None
    return (
        MinutesContentForm(
            data, initial=initial, organisation=minutes.organisation_id, chairs=selectors.minutes_chair_choices(minutes.review)
        ),
        MinutesAttendeeFormSet(data, initial=attendance, prefix="att", form_kwargs={"organisation": minutes.organisation_id}),
        ReviewActionFormSet(
            data,
            prefix="act",
            form_kwargs={"kept_deadlines": kept, "organisation": minutes.organisation_id},
            initial=[
                {
                    "id": a.pk,
                    "description": a.description,
                    "responsible_unit": a.responsible_unit_id,
                    "deadline": a.deadline,
                    "output_heading": a.output_heading,
                }
                for a in actions
            ],
        ),
    )


def _formset_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.has_changed() or f.cleaned_data.get("id")
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
@role_permission_required("reviews.manage_review")
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    minutes = _visible_minutes(request, pk)
    if minutes.is_locked:
        messages.error(request, _("Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi."))
        return redirect("reviews:minutes_detail", pk=pk)
    form, attendance, actions = _minutes_forms(request, minutes)
    if request.method == "POST" and form.is_valid() and attendance.is_valid() and actions.is_valid():
        try:
            services.minutes_save(
                minutes=minutes,
                actor=request.user,
                version=form.cleaned_data["version"],
                data=form.cleaned_data,
                attendance=_formset_rows(attendance),
                actions=_formset_rows(actions),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu biên bản."))
            return redirect("reviews:minutes_detail", pk=pk)
    context = {"form": form, "attendance": attendance, "actions": actions, "minutes": minutes, "review": minutes.review}
    return render(request, "reviews/minutes_form.html", context)


@sensitive_post_parameters("password", "secret")  # the account password and the .p12 passphrase / PIN
@login_required
def minutes_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The page shows the text of the minutes it signs and carries their version: the chair signs what they
    read, or nothing (a version changed since is refused by the service). Open to who may sign minutes and
    to the deputies plans name (who need not hold the signing permission)."""
    if not (request.user.has_role_perm("reviews.sign_minutes") or rules.is_named_deputy(request.user)):
        raise PermissionDenied
    minutes = _visible_minutes(request, pk)
    if minutes.is_draft and not rules.can_sign(request.user, minutes):
        raise PermissionDenied(_("Chỉ người chủ trì được ghi trong biên bản ký biên bản này."))
    form = MinutesSignForm(request.POST or None, initial={"version": minutes.version})
    if request.method == "POST" and form.is_valid() and not password_reverify(request, form.cleaned_data["password"]):
        # Counted by django-axes like a failed login (it shows the lockout page instead) and audited.
        form.add_error("password", _("Mật khẩu không đúng. Biên bản chưa được ký."))
    elif request.method == "POST" and form.is_valid() and secret_locked(request.user.pk):
        form.add_error("secret", _("Nhập sai mật khẩu chữ ký số quá nhiều lần. Hãy thử lại sau 15 phút. Biên bản chưa được ký."))
    elif request.method == "POST" and form.is_valid():
        try:
            services.minutes_sign(
                minutes=minutes,
                actor=request.user,
                password=form.cleaned_data["password"],
                secret=form.cleaned_data["secret"] or None,
                version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            if isinstance(exc, SigningError):
                secret_failed(request.user.pk)
            form.add_error(exc.field if exc.field in ("password", "secret") else None, exc.message)
        else:
            secret_succeeded(request.user.pk)
            messages.success(request, _("Đã ký biên bản. Biên bản đang được gửi đến các thành phần tham dự."))
            return redirect("reviews:minutes_detail", pk=pk)
    context = {
        "form": form,
        "minutes": minutes,
        "review": minutes.review,
        "org": minutes.organisation,
        "attendance": minutes.attendance.all(),
        "actions": minutes.actions.select_related("responsible_unit"),
    }
    return render(request, "reviews/minutes_sign.html", context)


@login_required
@role_permission_required("reviews.manage_review")
def minutes_revise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    minutes = _visible_minutes(request, pk)
    form = MinutesRevisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.minutes_revise(minutes=minutes, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, _("Đã tạo bản sửa đổi. Bản này cần được Trưởng ban ký lại."))
            return redirect("reviews:minutes_edit", pk=copy.pk)
    return render(request, "reviews/minutes_revise.html", {"form": form, "minutes": minutes, "review": minutes.review})
