from django.urls import path

from . import views

app_name = "risks"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("new/", views.risk_create, name="create"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("table/<str:scope>.xlsx", views.table_excel, name="excel"),
    path("table/<str:scope>.pdf", views.table_pdf, name="pdf"),
]
