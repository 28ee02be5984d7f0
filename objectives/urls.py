from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/objectives/new/", views.objective_create, name="objective_create"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views.plan_return, name="plan_return"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("plans/<int:pk>/<str:kind>.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/<str:kind>.xlsx", views.plan_excel, name="plan_excel"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="objective_delete"),
    path("objectives/<int:pk>/measure/", views.measurement_create, name="measurement_create"),
    path("objectives/<int:pk>/evaluate/", views.objective_evaluate, name="objective_evaluate"),
    path("objectives/<int:pk>/ticket/", views.objective_ticket, name="objective_ticket"),
    path("measurements/<int:pk>/evidence/", views.measurement_evidence, name="measurement_evidence"),
]
