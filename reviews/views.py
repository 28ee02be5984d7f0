from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Review

# === Part 1: plan, approval, notice, unit reports (owner: helper R1) ===


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = Review.objects.visible_to(request.user)
    return render(request, "reviews/list.html", {"reviews": reviews})


# === Part 2: consolidated report, minutes, signature, distribution, follow-up (owner: helper R2) ===


# === Part 3: PDF downloads (owner: helper P) ===
