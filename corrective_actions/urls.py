from django.urls import path

from . import views

app_name = "corrective_actions"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("export.xlsx", views.ticket_export, name="export"),
    path("my-work/", views.my_work, name="my_work"),
    path("new/", views.ticket_create, name="create"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/pdf/", views.ticket_pdf, name="pdf"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/do/<slug:action>/", views.ticket_action, name="action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
