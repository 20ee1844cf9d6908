from django.urls import URLPattern, URLResolver, path

from motcua.calendar.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("calendar/due", views.DueView.as_view(), name="calendar-due"),
    path("calendar/days", views.DaysView.as_view(), name="calendar-days"),
]
