from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, CalendarException, DocumentCounter, Notification, Organisation, Unit, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_name", "place_name", "minutes_form"]

    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "job_title", "email", "is_active"]
    list_filter = ["unit", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["unit"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Cơ quan"), {"fields": ("full_name", "job_title", "unit")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Cơ quan"), {"fields": ("full_name", "email", "job_title", "unit")}),)


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "actor", "action", "from_state", "to_state"]
    list_filter = ["content_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is evidence: nobody edits or removes it


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "read_at"]
    list_select_related = ["recipient"]


admin.site.register(DocumentCounter)
admin.site.site_header = _("Quản trị HTQLCL ISO 9001")
