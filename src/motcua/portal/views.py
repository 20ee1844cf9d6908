from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """Citizen portal entry (the full portal is a later issue)."""
    return render(request, "portal/home.html")
