from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from qms.errors import ServiceError
from qms.models import Organisation
from qms.roles import Role
from qms.services import audit_trail

from . import pdf as review_pdf
from . import services
from .filters import ReviewActionFilter, ReviewFilter
from .forms import (
    ActionCompleteForm,
    ActionDecisionForm,
    ActionProgressForm,
    CommentForm,
    ConsolidatedReportForm,
    MinutesAttendeeFormSet,
    MinutesContentForm,
    MinutesRevisionForm,
    MinutesSignForm,
    RequiredCommentForm,
    ReviewActionFormSet,
    ReviewPlanForm,
    UnitReportForm,
)
from .models import (
    SECTION_FIELDS,
    ActionUpdate,
    ConsolidatedReport,
    Minutes,
    ReportAttachment,
    Review,
    ReviewAction,
    UnitReport,
    UnitReportStatus,
)

# --- Plan, approval, notice, unit reports, reminders ---


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = (
        Review.objects.visible_to(request.user)
        .annotate(
            n_reports=Count("unit_reports", distinct=True),
            n_submitted=Count("unit_reports", filter=Q(unit_reports__status=UnitReportStatus.SUBMITTED), distinct=True),
        )
        .order_by("-meeting_start", "-pk")
    )
    filterset = ReviewFilter(request.GET, queryset=reviews)
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    can_plan = request.user.has_perm("reviews.plan_review") and request.user.has_role(Role.SECRETARY)
    return render(request, "reviews/list.html", {"filter": filterset, "page": page, "can_plan": can_plan})


def _visible_review(request: HttpRequest, pk: int) -> Review:
    return get_object_or_404(Review.objects.visible_to(request.user).select_related("created_by", "approved_by"), pk=pk)


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    user = request.user
    reports = review.unit_reports.select_related("unit", "submitted_by")
    context = {
        "review": review,
        "reports": reports,
        "readable_reports": set(UnitReport.objects.visible_to(user).filter(review=review).values_list("pk", flat=True)),
        "notice_symbol": Organisation.current().notice_symbol,
        "my_report": next((r for r in reports if r.unit_id == user.unit_id), None) if user.has_role(Role.UNIT_HEAD) else None,
        "attendees": review.attendees.select_related("unit"),
        "units": review.units.all(),
        "who_next": review.next_step(),
        "is_secretary": user.has_role(Role.SECRETARY) and user.has_perm("reviews.plan_review"),
        "is_head": user.has_role(Role.COMMITTEE_HEAD) and user.has_perm("reviews.approve_review"),
        "earliest_meeting": services.review_notice_earliest_meeting_date(),
        "comment_form": CommentForm(),
        "return_form": RequiredCommentForm(),
        "audit_entries": audit_trail(review),
    }
    return render(request, "reviews/detail.html", context)


@login_required
@permission_required("reviews.plan_review", raise_exception=True)
def plan_create(request: HttpRequest) -> HttpResponse:
    form = ReviewPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_plan_create(actor=request.user, data=form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã lưu dự thảo kế hoạch."))
            return redirect("reviews:detail", pk=review.pk)
    return render(request, "reviews/plan_form.html", {"form": form})


@login_required
@permission_required("reviews.plan_review", raise_exception=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    if not review.is_plan_editable:
        messages.error(request, _("Kế hoạch đã trình hoặc đã được phê duyệt nên không sửa được."))
        return redirect("reviews:detail", pk=pk)
    form = ReviewPlanForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_plan_update(
                review=review, actor=request.user, data=form.cleaned_data, version=form.cleaned_data["version"] or 0
            )
        except ServiceError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("reviews:detail", pk=pk)
    return render(request, "reviews/plan_form.html", {"form": form, "review": review})


def _run(request: HttpRequest, action, success: str, **kwargs) -> None:
    try:
        action(actor=request.user, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _review_action(perm: str, service_name: str, success: str, *, comment: type | None = None):
    """A POST-only button on the review page: check the permission, call one service, go back."""

    @login_required
    @permission_required(perm, raise_exception=True)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        review = _visible_review(request, pk)
        kwargs = {}
        if comment is not None:
            form = comment(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors["comment"]))
                return redirect("reviews:detail", pk=pk)
            kwargs["comment"] = form.cleaned_data["comment"]
        _run(request, getattr(services, service_name), success, review=review, **kwargs)
        return redirect("reviews:detail", pk=pk)

    view.__name__ = service_name
    return view


plan_submit = _review_action("reviews.plan_review", "review_plan_submit", gettext_lazy("Đã trình kế hoạch để phê duyệt."))
plan_reopen = _review_action("reviews.plan_review", "review_plan_reopen", gettext_lazy("Kế hoạch đã trở lại dự thảo để điều chỉnh."))
plan_approve = _review_action("reviews.approve_review", "review_plan_approve", gettext_lazy("Đã phê duyệt kế hoạch."), comment=CommentForm)
plan_return = _review_action(
    "reviews.approve_review", "review_plan_return", gettext_lazy("Đã trả lại kế hoạch cho Thư ký ISO."), comment=RequiredCommentForm
)
notice_issue = _review_action(
    "reviews.manage_review", "review_notice_issue", gettext_lazy("Đã phát hành thông báo họp và gửi đến thành phần tham dự.")
)
collection_close = _review_action("reviews.manage_review", "review_collection_close", gettext_lazy("Đã đóng thu báo cáo."))


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
def review_board(request: HttpRequest, pk: int) -> HttpResponse:
    review = _visible_review(request, pk)
    reports = review.unit_reports.select_related("unit", "submitted_by")
    context = {"review": review, "reports": reports, "counts": _board_counts(reports)}
    template = "reviews/_board_table.html" if request.htmx else "reviews/board.html"
    return render(request, template, context)


def _board_counts(reports) -> dict[str, int]:
    counts = {"total": 0, "submitted": 0, "late": 0, "waiting": 0}
    for report in reports:
        counts["total"] += 1
        if report.status == UnitReportStatus.SUBMITTED:
            counts["submitted"] += 1
            counts["late"] += report.is_late
        else:
            counts["waiting"] += 1
    return counts


def _visible_report(request: HttpRequest, pk: int) -> UnitReport:
    qs = UnitReport.objects.visible_to(request.user).select_related("review", "unit", "submitted_by")
    return get_object_or_404(qs.prefetch_related(Prefetch("attachments", ReportAttachment.objects.select_related("uploaded_by"))), pk=pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    user = request.user
    context = {
        "report": report,
        "review": report.review,
        "can_edit": user.has_role(Role.UNIT_HEAD) and user.unit_id == report.unit_id and user.has_perm("reviews.submit_unit_report"),
        "can_return": user.has_role(Role.SECRETARY)
        and user.has_perm("reviews.manage_review")
        and report.status == UnitReportStatus.SUBMITTED
        and report.review.status == "collecting",
        "return_form": RequiredCommentForm(),
        "audit_entries": audit_trail(report),
    }
    return render(request, "reviews/report_detail.html", context)


@login_required
@permission_required("reviews.submit_unit_report", raise_exception=True)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if report.unit_id != request.user.unit_id:
        raise Http404
    editable = report.status in services.REPORT_EDITABLE_STATES and report.review.status == "collecting"
    if request.method != "POST" and not editable:
        messages.info(request, _("Báo cáo hiện không sửa được (đã nộp hoặc đã đóng thu báo cáo)."))
        return redirect("reviews:report_detail", pk=pk)
    form = UnitReportForm(request.POST or None, request.FILES or None, report=report)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.unit_report_save(
                report=report,
                actor=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
                files=form.cleaned_data["attachments"],
                submit=submit,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã nộp báo cáo.") if submit else _("Đã lưu nháp báo cáo."))
            return redirect("reviews:report_detail" if submit else "reviews:report_edit", pk=pk)
    return render(request, "reviews/report_form.html", {"form": form, "report": report, "review": report.review})


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    form = RequiredCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
    else:
        _run(
            request,
            services.unit_report_return,
            _("Đã trả lại báo cáo để đơn vị bổ sung."),
            report=report,
            comment=form.cleaned_data["comment"],
        )
    return redirect("reviews:report_detail", pk=pk)


def _visible_attachment(request: HttpRequest, pk: int) -> ReportAttachment:
    reports = UnitReport.objects.visible_to(request.user).values("pk")
    return get_object_or_404(ReportAttachment.objects.select_related("report"), pk=pk, report__in=reports)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
@permission_required("reviews.submit_unit_report", raise_exception=True)
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _visible_attachment(request, pk)
    if attachment.report.unit_id != request.user.unit_id:
        raise Http404
    report_pk = attachment.report_id
    _run(request, services.unit_report_attachment_delete, _("Đã xóa tệp đính kèm."), attachment=attachment)
    return redirect("reviews:report_edit", pk=report_pk)


# --- Consolidated report, minutes, signature, distribution, follow-up ---


def _post(request: HttpRequest, call, success: str, **kwargs) -> bool:
    try:
        call(actor=request.user, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _review_visible(request: HttpRequest, pk: int) -> Review:
    return get_object_or_404(Review.objects.visible_to(request.user), pk=pk)


def _report(request: HttpRequest, pk: int) -> ConsolidatedReport:
    review = _review_visible(request, pk)
    return get_object_or_404(ConsolidatedReport.objects.select_related("review", "updated_by"), review=review)


@login_required
@permission_required("reviews.view_consolidatedreport", raise_exception=True)
def consolidated_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(
        request,
        "reviews/consolidated_detail.html",
        {
            "report": report,
            "review": report.review,
            "audit_entries": audit_trail(report),
            "can_manage": request.user.has_perm("reviews.manage_review"),
        },
    )


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
def consolidated_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    initial = {"version": report.version, **{f: getattr(report, f) for f in SECTION_FIELDS}}
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
    return render(request, "reviews/consolidated_form.html", {"form": form, "report": report, "review": report.review})


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
@require_POST
def consolidated_generate(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_visible(request, pk)
    regenerate = request.POST.get("regenerate") == "1"
    if _post(
        request,
        services.consolidated_report_generate,
        _("Đã tổng hợp báo cáo từ các báo cáo đơn vị đã nộp."),
        review=review,
        regenerate=regenerate,
    ):
        return redirect("reviews:consolidated_edit", pk=pk)
    return redirect("reviews:detail", pk=pk)


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
@require_POST
def consolidated_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    _post(request, services.consolidated_report_finalise, _("Báo cáo tổng hợp đã hoàn thiện."), report=report)
    return redirect("reviews:consolidated_detail", pk=pk)


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
@require_POST
def minutes_create(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_visible(request, pk)
    try:
        minutes = services.minutes_create(review=review, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:detail", pk=pk)
    return redirect("reviews:minutes_edit", pk=minutes.pk)


def _minutes_visible(request: HttpRequest, pk: int) -> Minutes:
    qs = Minutes.objects.visible_to(request.user).select_related("review", "chair", "secretary", "signed_by", "supersedes", "updated_by")
    return get_object_or_404(qs, pk=pk)


@login_required
@permission_required("reviews.view_minutes", raise_exception=True)
def minutes_detail(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes_visible(request, pk)
    user = request.user
    return render(
        request,
        "reviews/minutes_detail.html",
        {
            "minutes": minutes,
            "review": minutes.review,
            "org": Organisation.current(),
            "attendance": minutes.attendance.all(),
            "actions": minutes.actions.select_related("responsible_unit"),
            "signature_valid": services.minutes_signature_valid(minutes),
            "can_manage": user.has_perm("reviews.manage_review"),
            "can_sign": user.has_perm("reviews.sign_minutes"),
            "deliveries": minutes.deliveries.select_related("recipient") if user.has_perm("reviews.manage_review") else None,
            "successor": Minutes.objects.filter(supersedes=minutes).first(),
            "audit_entries": audit_trail(minutes),
        },
    )


def _minutes_forms(request: HttpRequest, minutes: Minutes):
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
        **{f: getattr(minutes, f) for f in [*services.MINUTES_CONTENT_FIELDS, "started_at", "ended_at"]},
    }
    data = request.POST if request.method == "POST" else None
    return (
        MinutesContentForm(data, initial=initial),
        MinutesAttendeeFormSet(data, initial=attendance, prefix="att"),
        ReviewActionFormSet(
            data,
            prefix="act",
            form_kwargs={"kept_deadlines": kept},
            initial=[
                {"id": a.pk, "description": a.description, "responsible_unit": a.responsible_unit_id, "deadline": a.deadline}
                for a in actions
            ],
        ),
    )


def _formset_rows(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.has_changed() or f.cleaned_data.get("id")
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes_visible(request, pk)
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
    return render(
        request,
        "reviews/minutes_form.html",
        {
            "form": form,
            "attendance": attendance,
            "actions": actions,
            "minutes": minutes,
            "review": minutes.review,
        },
    )


@login_required
@permission_required("reviews.sign_minutes", raise_exception=True)
def minutes_sign(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes_visible(request, pk)
    form = MinutesSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_sign(minutes=minutes, actor=request.user, password=form.cleaned_data["password"])
        except ServiceError as exc:
            form.add_error("password" if exc.field == "password" else None, exc.message)
        else:
            messages.success(request, _("Đã ký biên bản. Biên bản đang được gửi đến các thành phần tham dự."))
            return redirect("reviews:minutes_detail", pk=pk)
    return render(
        request,
        "reviews/minutes_sign.html",
        {
            "form": form,
            "minutes": minutes,
            "review": minutes.review,
            "org": Organisation.current(),
            "attendance": minutes.attendance.all(),
            "actions": minutes.actions.select_related("responsible_unit"),
        },
    )


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
def minutes_revise(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _minutes_visible(request, pk)
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


@login_required
@permission_required("reviews.manage_review", raise_exception=True)
@require_POST
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_visible(request, pk)
    _post(request, services.review_close, _("Cuộc họp xem xét đã hoàn thành."), review=review)
    return redirect("reviews:detail", pk=pk)


@login_required
@permission_required("reviews.view_reviewaction", raise_exception=True)
def action_list(request: HttpRequest) -> HttpResponse:
    actions = ReviewAction.objects.visible_to(request.user).followed().select_related("review", "responsible_unit", "minutes", "ticket")
    filterset = ReviewActionFilter(request.GET, queryset=actions, request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    for action in page:  # the one-click "open a ticket" button of each row
        action.ticket_openable = services.action_ticket_openable(action)
    return render(
        request,
        "reviews/action_list.html",
        {"filter": filterset, "page": page, "can_open_tickets": services.may_open_action_tickets(request.user)},
    )


def _action(request: HttpRequest, pk: int) -> ReviewAction:
    qs = ReviewAction.objects.visible_to(request.user).select_related("review", "responsible_unit", "minutes", "ticket")
    return get_object_or_404(qs, pk=pk)


@login_required
@permission_required("reviews.view_reviewaction", raise_exception=True)
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return render(request, "reviews/action_detail.html", _action_context(request, action))


def _action_context(request: HttpRequest, action: ReviewAction, **forms) -> dict:
    return {
        "action": action,
        "review": action.review,
        "updates": action.updates.select_related("author"),
        "can_report": services.action_can_report(action, request.user),
        "can_manage": request.user.has_perm("reviews.manage_review"),
        "can_open_ticket": services.may_open_action_tickets(request.user) and services.action_ticket_openable(action),
        "progress_form": forms.get("progress_form") or ActionProgressForm(initial={"progress": action.progress}),
        "complete_form": forms.get("complete_form") or ActionCompleteForm(),
        "decision_form": forms.get("decision_form") or ActionDecisionForm(),
        "audit_entries": audit_trail(action),
    }


def _unit_head_post(service_name: str, form_class, form_key: str, success: str):
    """POST of the responsible unit's head: progress note or completion with evidence."""

    @login_required
    @permission_required("reviews.view_reviewaction", raise_exception=True)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        action = _action(request, pk)
        if not services.action_can_report(action, request.user):
            raise PermissionDenied
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            data["evidence_file"] = data.get("evidence_file") or None
            try:
                getattr(services, service_name)(action=action, actor=request.user, **data)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, success)
                return redirect("reviews:action_detail", pk=pk)
        context = _action_context(request, action, **{form_key: form})
        return render(request, "reviews/action_detail.html", context, status=400)

    view.__name__ = service_name
    return view


action_progress = _unit_head_post("action_progress_record", ActionProgressForm, "progress_form", gettext_lazy("Đã ghi nhận tiến độ."))
action_complete = _unit_head_post("action_complete", ActionCompleteForm, "complete_form", gettext_lazy("Đã báo hoàn thành hành động."))


def _secretary_post(service_name: str, success: str):
    @login_required
    @permission_required("reviews.manage_review", raise_exception=True)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        action = _action(request, pk)
        form = ActionDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["note"]))
        else:
            _post(request, getattr(services, service_name), success, action=action, note=form.cleaned_data["note"])
        return redirect("reviews:action_detail", pk=pk)

    view.__name__ = service_name
    return view


action_reopen = _secretary_post("action_reopen", gettext_lazy("Đã mở lại hành động."))
action_cancel = _secretary_post("action_cancel", gettext_lazy("Đã hủy hành động."))


@login_required
@permission_required("reviews.view_reviewaction", raise_exception=True)
def action_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    actions = ReviewAction.objects.visible_to(request.user).values("pk")
    update = get_object_or_404(ActionUpdate, pk=pk, action__in=actions)
    if not update.evidence_file:
        raise Http404
    try:
        handle = update.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=update.evidence_file.name.rsplit("/", 1)[-1])


# --- PDF downloads ---
# The forms download under the same rules as their pages: the role's view permission (else 403), then the
# object through visible_to (else 404).


def _pdf_response(data: bytes, code: str, pk: int) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{code}-{pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
@permission_required("reviews.view_review", raise_exception=True)
def notice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.visible_to(request.user).select_related("approved_by"), pk=pk)
    return _pdf_response(review_pdf.notice_pdf(review), review_pdf.NOTICE, review.pk)


@require_safe
@login_required
@permission_required("reviews.view_unitreport", raise_exception=True)
def unit_report_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    reports = UnitReport.objects.visible_to(request.user).select_related("review", "unit", "submitted_by")
    report = get_object_or_404(reports, pk=pk)
    return _pdf_response(review_pdf.unit_report_pdf(report), review_pdf.UNIT_REPORT, report.pk)


@require_safe
@login_required
@permission_required("reviews.view_consolidatedreport", raise_exception=True)
def consolidated_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    consolidated = get_object_or_404(review_pdf.consolidated_visible_to(request.user).select_related("review"), pk=pk)
    return _pdf_response(review_pdf.consolidated_pdf(consolidated), review_pdf.CONSOLIDATED, consolidated.pk)


@require_safe
@login_required
@permission_required("reviews.view_minutes", raise_exception=True)
def minutes_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Minutes.objects.visible_to(request.user).select_related("review", "chair", "secretary", "signed_by")
    minutes = get_object_or_404(visible, pk=pk)
    return _pdf_response(review_pdf.minutes_pdf(minutes), minutes.form_code, minutes.pk)


# --- Corrective-action tickets from decided actions ---


@login_required
@permission_required("reviews.follow_up_actions", raise_exception=True)
@require_POST
def action_ticket_open(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the decided action gets its ticket BM.CTCL.01; back to the page the click came from."""
    action = _action(request, pk)
    if not services.may_open_action_tickets(request.user):
        raise PermissionDenied
    try:
        ticket = services.review_action_ticket_open(action=action, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở phiếu HĐKP/cải tiến số %(n)s; phiếu chờ Thư ký ISO tổng hợp.") % {"n": ticket.number_display})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("reviews:action_detail", pk=pk)
