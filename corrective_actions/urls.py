from django.urls import path

from .views import pages, steps, word

app_name = "corrective_actions"
urlpatterns = [
    path("", pages.ticket_list, name="list"),
    path("export.xlsx", pages.ticket_export, name="export"),
    path("my-work/", pages.my_work, name="my_work"),
    path("new/", pages.ticket_create, name="create"),
    path("present/", pages.present_batch, name="present_batch"),
    path("<int:pk>/", pages.ticket_detail, name="detail"),
    path("<int:pk>/pdf/", pages.ticket_pdf, name="pdf"),
    path("<int:pk>/docx/", word.ticket_docx_download, name="docx"),
    path("<int:pk>/attachments/", pages.attachment_upload, name="attachment_upload"),
    path("<int:pk>/do/<slug:action>/", steps.ticket_action, name="action"),
    path("attachments/<int:pk>/", pages.attachment_download, name="attachment_download"),
]
