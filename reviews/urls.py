from django.urls import path

from .views import by_report, followup, minutes, pdfs, plan, reports, risks, word

app_name = "reviews"
urlpatterns = [
    # --- Plan, approval, notice, unit reports, reminders ---
    path("", plan.review_list, name="list"),
    path("new/", plan.plan_create, name="plan_create"),
    path("<int:pk>/", plan.review_detail, name="detail"),
    path("<int:pk>/edit/", plan.plan_edit, name="plan_edit"),
    path("<int:pk>/submit/", plan.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", plan.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", plan.plan_return, name="plan_return"),
    path("<int:pk>/reopen/", plan.plan_reopen, name="plan_reopen"),
    path("<int:pk>/notice/", plan.notice_issue, name="notice_issue"),
    path("<int:pk>/board/", plan.review_board, name="board"),
    path("<int:pk>/close-collection/", plan.collection_close, name="collection_close"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/return/", reports.report_return, name="report_return"),
    path("attachments/<int:pk>/", reports.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", reports.attachment_delete, name="attachment_delete"),
    # --- Consolidated report, minutes, signature, distribution, follow-up ---
    path("<int:pk>/consolidated/", minutes.consolidated_detail, name="consolidated_detail"),
    path("<int:pk>/consolidated/edit/", minutes.consolidated_edit, name="consolidated_edit"),
    path("<int:pk>/consolidated/generate/", minutes.consolidated_generate, name="consolidated_generate"),
    path("<int:pk>/consolidated/rebuild/", minutes.consolidated_rebuild, name="consolidated_rebuild"),
    path("<int:pk>/consolidated/finalise/", minutes.consolidated_finalise, name="consolidated_finalise"),
    path("<int:pk>/minutes/new/", minutes.minutes_create, name="minutes_create"),
    path("<int:pk>/close/", followup.review_close, name="review_close"),
    path("minutes/<int:pk>/", minutes.minutes_detail, name="minutes_detail"),
    path("minutes/<int:pk>/edit/", minutes.minutes_edit, name="minutes_edit"),
    path("minutes/<int:pk>/sign/", minutes.minutes_sign, name="minutes_sign"),
    path("minutes/<int:pk>/revise/", minutes.minutes_revise, name="minutes_revise"),
    path("actions/", followup.action_list, name="action_list"),
    path("actions/<int:pk>/", followup.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", followup.action_progress, name="action_progress"),
    path("actions/<int:pk>/complete/", followup.action_complete, name="action_complete"),
    path("actions/<int:pk>/reopen/", followup.action_reopen, name="action_reopen"),
    path("actions/<int:pk>/cancel/", followup.action_cancel, name="action_cancel"),
    path("actions/evidence/<int:pk>/", followup.action_evidence, name="action_evidence"),
    path("actions/<int:pk>/confirm/", followup.action_confirm, name="action_confirm"),
    path("actions/<int:pk>/return-evidence/", followup.action_return_evidence, name="action_return_evidence"),
    path("actions/<int:pk>/resources/", followup.resource_request_create, name="resource_request_create"),
    path("resources/<int:pk>/answer/", followup.resource_request_answer, name="resource_request_answer"),
    # --- The follow-up report to the steering-committee head ---
    path("followup/", followup.followup_report_page, name="followup"),
    path("followup/pdf/", followup.followup_report_pdf, name="followup_pdf"),
    path("<int:pk>/followup/", followup.followup_report_page, name="followup_review"),
    path("<int:pk>/followup/pdf/", followup.followup_report_pdf, name="followup_review_pdf"),
    # --- PDF downloads ---
    path("<int:pk>/pdf/notice/", pdfs.notice_pdf_download, name="notice_pdf"),
    path("reports/<int:pk>/pdf/", pdfs.unit_report_pdf_download, name="unit_report_pdf"),
    path("consolidated/<int:pk>/pdf/", pdfs.consolidated_pdf_download, name="consolidated_pdf"),
    path("minutes/<int:pk>/pdf/", pdfs.minutes_pdf_download, name="minutes_pdf"),
    # --- Word downloads (the same forms, same rules) ---
    path("<int:pk>/docx/notice/", word.notice_docx_download, name="notice_docx"),
    path("minutes/<int:pk>/docx/", word.minutes_docx_download, name="minutes_docx"),
    # --- Corrective-action tickets from decided actions ---
    path("actions/<int:pk>/ticket/", followup.action_ticket_open, name="action_ticket_open"),
    # --- QT.CTCL 5.8.1.2: a decision updates the risk table ---
    path("actions/<int:pk>/risk/", risks.action_risk, name="action_risk"),
]

# --- Review by report (QT.CTCL 5.8.2): reviews.views.by_report ---
urlpatterns += [
    path("by-report/new/", by_report.by_report_create, name="by_report_create"),
    path("<int:pk>/by-report/", by_report.by_report_detail, name="by_report"),
    path("<int:pk>/by-report/edit/", by_report.by_report_edit, name="by_report_edit"),
    path("<int:pk>/by-report/submit/", by_report.by_report_submit, name="by_report_submit"),
    path("<int:pk>/by-report/approve/", by_report.by_report_approve, name="by_report_approve"),
    path("<int:pk>/by-report/return/", by_report.by_report_return, name="by_report_return"),
    path("<int:pk>/by-report/comment/", by_report.by_report_comment, name="by_report_comment"),
    path("<int:pk>/by-report/pdf/", by_report.by_report_pdf, name="by_report_pdf"),
    path("<int:pk>/result-notice/new/", by_report.result_notice_create, name="result_notice_create"),
    path("<int:pk>/result-notice/", by_report.result_notice_detail, name="result_notice"),
    path("<int:pk>/result-notice/edit/", by_report.result_notice_edit, name="result_notice_edit"),
    path("<int:pk>/result-notice/submit/", by_report.result_notice_submit, name="result_notice_submit"),
    path("<int:pk>/result-notice/forward/", by_report.result_notice_forward, name="result_notice_forward"),
    path("<int:pk>/result-notice/return/", by_report.result_notice_return, name="result_notice_return"),
    path("<int:pk>/result-notice/approve/", by_report.result_notice_approve, name="result_notice_approve"),
    path("<int:pk>/result-notice/pdf/", by_report.result_notice_pdf, name="result_notice_pdf"),
]
