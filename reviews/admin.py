from django.contrib import admin, messages
from django.utils.translation import gettext

from qms.admin import AgencyScopedAdmin
from qms.dates import format_date

from .models import (
    ActionUpdate,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Delivery,
    Minutes,
    MinutesAttendee,
    ReportAttachment,
    ResultNotice,
    Review,
    ReviewAction,
    ReviewByReport,
    UnitReport,
)

# --- Plan, approval, notice, unit reports, reminders ---


class UnitReportInline(admin.TabularInline):
    model = UnitReport
    fields = readonly_fields = ("unit", "status", "first_submitted_at", "submitted_at", "submitted_by", "is_late")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Review)
class ReviewAdmin(AgencyScopedAdmin):
    list_display = ["title", "kind", "year", "sequence", "status", "meeting_start", "notice_number", "notice_year"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["title", "location"]
    date_hierarchy = "meeting_start"
    filter_horizontal = ["units", "attendees"]
    # States move only through the app's services (audited); the admin reads them.
    readonly_fields = [
        "status",
        "approved_by",
        "approved_at",
        "notice_number",
        "notice_year",
        "notice_issued_at",
        "notice_issued_by",
        "collection_closed_at",
        "created_by",
        "created_at",
        "version",
    ]
    inlines = [UnitReportInline]

    def locked(self, obj) -> bool:
        return obj.notice_number is not None  # the notice went out: what it said stays as sent

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The units and attendees offered are the admin's agency's (a superuser's: every agency's).
        if not request.user.is_superuser:
            related = db_field.related_model
            kwargs["queryset"] = related._default_manager.filter(organisation=request.user.organisation_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReportAttachmentInline(admin.TabularInline):
    model = ReportAttachment
    fields = readonly_fields = ("original_name", "file", "size", "uploaded_by", "uploaded_at")
    extra = 0


@admin.register(UnitReport)
class UnitReportAdmin(AgencyScopedAdmin):
    organisation_path = "review__organisation"

    list_display = ["review", "unit", "status", "submitted_at", "is_late"]
    list_filter = ["status", "is_late", "unit"]
    list_select_related = ["review", "unit"]
    search_fields = ["review__title", "unit__name"]
    readonly_fields = ["review", "unit", "status", "first_submitted_at", "submitted_at", "submitted_by", "is_late", "updated_by", "version"]
    inlines = [ReportAttachmentInline]


# --- Consolidated report, minutes, signature, distribution, follow-up ---


class RetainedRecordAdmin(admin.ModelAdmin):
    """QT.HT.06 §VII: BM.HT.06.03 and the minutes are kept for the retention period; no deletion before."""

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_retained():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk "delete selected" would bypass the per-record check above.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_model(self, request, obj) -> None:
        if obj.is_retained():
            self.message_user(
                request,
                gettext("“%(obj)s” đang trong thời hạn lưu trữ đến %(until)s, không thể xóa.")
                % {"obj": obj, "until": format_date(obj.retained_until())},
                messages.ERROR,
            )
            return
        super().delete_model(request, obj)


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(AgencyScopedAdmin, RetainedRecordAdmin):
    organisation_path = "review__organisation"

    list_display = ["review", "status", "updated_at", "finalised_at"]
    list_filter = ["status"]
    list_select_related = ["review"]
    readonly_fields = ["review", "status", "sources", "generated", "created_at", "updated_by", "finalised_at", "version"]

    def has_add_permission(self, request) -> bool:
        return False  # built from the unit reports by the app (its review is read-only here: an add would fail)

    def locked(self, obj) -> bool:
        return obj.status == ConsolidatedReportStatus.FINAL

    def delete_locked(self, obj) -> bool:
        return False  # deleted only once its retention period has run out (RetainedRecordAdmin)


class MinutesAttendeeInline(admin.TabularInline):
    model = MinutesAttendee
    fields = readonly_fields = ("name", "title", "presence", "replaced_by")
    extra = 0
    can_delete = False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = readonly_fields = ("recipient", "email", "sent_at", "error")
    extra = 0
    can_delete = False


@admin.register(Minutes)
class MinutesAdmin(AgencyScopedAdmin, RetainedRecordAdmin):
    list_display = ["review", "revision", "form_code", "status", "number", "number_year", "signed_by", "signed_at"]
    list_filter = ["status", "form_code"]
    list_select_related = ["review", "signed_by"]
    inlines = [MinutesAttendeeInline, DeliveryInline]

    def locked(self, obj) -> bool:
        return obj.is_locked  # signed or superseded

    def delete_locked(self, obj) -> bool:
        return False  # deleted only once its retention period has run out (RetainedRecordAdmin)

    def has_add_permission(self, request) -> bool:
        return False  # created by the app from its review (every field is read-only here: an add would fail)

    def get_readonly_fields(self, request, obj=None):
        # The content is signed: it is never changed here, only through the app (drafts) or a revision.
        return [f.name for f in Minutes._meta.concrete_fields]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    fields = readonly_fields = ("at", "author", "progress", "note", "evidence_file")
    extra = 0
    can_delete = False


@admin.register(ReviewAction)
class ReviewActionAdmin(AgencyScopedAdmin):
    organisation_path = "review__organisation"

    list_display = ["description", "review", "responsible_unit", "deadline", "status", "progress"]
    list_filter = ["status", "responsible_unit"]
    list_select_related = ["review", "responsible_unit"]
    readonly_fields = [
        "review",
        "minutes",
        "origin",
        "status",
        "progress",
        "completed_at",
        "confirmed_at",
        "confirmed_by",
        "ticket",
        "version",
    ]
    inlines = [ActionUpdateInline]

    def locked(self, obj) -> bool:
        # A decision of signed minutes: its follow-up goes through the app, its wording never changes.
        return obj.minutes is not None and obj.minutes.is_locked


# --- Review by report (QT.CTCL 5.8.2): the report and the result notice, kept like the BM.CTCL.02 minutes ---


@admin.register(ReviewByReport)
class ReviewByReportAdmin(AgencyScopedAdmin, RetainedRecordAdmin):
    organisation_path = "review__organisation"
    list_display = ["review", "submitted_at", "approved_by", "approved_at", "comment_deadline"]
    list_select_related = ["review", "approved_by"]

    def has_add_permission(self, request) -> bool:
        return False  # opened by the app with its review

    def get_readonly_fields(self, request, obj=None):
        # Written through the app only (its services check the state and write the audit trail).
        return [f.name for f in ReviewByReport._meta.concrete_fields]

    def locked(self, obj) -> bool:
        return True

    def delete_locked(self, obj) -> bool:
        return False  # deleted only once its retention period has run out (RetainedRecordAdmin)


@admin.register(ResultNotice)
class ResultNoticeAdmin(AgencyScopedAdmin, RetainedRecordAdmin):
    organisation_path = "review__organisation"
    list_display = ["review", "status", "number", "number_year", "approved_by", "approved_at"]
    list_filter = ["status"]
    list_select_related = ["review", "approved_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ResultNotice._meta.concrete_fields]

    def locked(self, obj) -> bool:
        return True

    def delete_locked(self, obj) -> bool:
        return False
