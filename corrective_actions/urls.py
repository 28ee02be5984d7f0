from django.urls import path

from . import views

app_name = "corrective_actions"
urlpatterns = [
    path("", views.item_list, name="list"),
]
