from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def landing(request: HttpRequest) -> HttpResponse:
    """Entry page: links to the citizen portal, the back office, the admin and the API docs."""
    return render(request, "core/landing.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
