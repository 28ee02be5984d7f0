from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    # === Part 1 (owner: helper R1) ===
    path("", views.review_list, name="list"),
    # === Part 2 (owner: helper R2) ===
    # === Part 3: PDFs (owner: helper P) ===
]
