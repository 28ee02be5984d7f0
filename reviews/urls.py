from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    # --- Plan, approval, notice, unit reports, reminders ---
    path("", views.review_list, name="list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/reopen/", views.plan_reopen, name="plan_reopen"),
    path("<int:pk>/notice/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/board/", views.review_board, name="board"),
    path("<int:pk>/close-collection/", views.collection_close, name="collection_close"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    # --- Consolidated report, minutes, signature, distribution, follow-up ---
    path("<int:pk>/consolidated/", views.consolidated_detail, name="consolidated_detail"),
    path("<int:pk>/consolidated/edit/", views.consolidated_edit, name="consolidated_edit"),
    path("<int:pk>/consolidated/generate/", views.consolidated_generate, name="consolidated_generate"),
    path("<int:pk>/consolidated/finalise/", views.consolidated_finalise, name="consolidated_finalise"),
    path("<int:pk>/minutes/new/", views.minutes_create, name="minutes_create"),
    path("<int:pk>/close/", views.review_close, name="review_close"),
    path("minutes/<int:pk>/", views.minutes_detail, name="minutes_detail"),
    path("minutes/<int:pk>/edit/", views.minutes_edit, name="minutes_edit"),
    path("minutes/<int:pk>/sign/", views.minutes_sign, name="minutes_sign"),
    path("minutes/<int:pk>/revise/", views.minutes_revise, name="minutes_revise"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("actions/<int:pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("actions/evidence/<int:pk>/", views.action_evidence, name="action_evidence"),
    # --- PDF downloads ---
    path("<int:pk>/pdf/notice/", views.notice_pdf_download, name="notice_pdf"),
    path("reports/<int:pk>/pdf/", views.unit_report_pdf_download, name="unit_report_pdf"),
    path("consolidated/<int:pk>/pdf/", views.consolidated_pdf_download, name="consolidated_pdf"),
    path("minutes/<int:pk>/pdf/", views.minutes_pdf_download, name="minutes_pdf"),
    # --- Corrective-action tickets from decided actions ---
    path("actions/<int:pk>/ticket/", views.action_ticket_open, name="action_ticket_open"),
]
