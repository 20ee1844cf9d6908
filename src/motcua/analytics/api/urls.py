from django.urls import URLPattern, URLResolver, path

from motcua.analytics.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/resolution", views.ResolutionView.as_view(), name="analytics-resolution"),
    path("analytics/index766", views.Index766View.as_view(), name="analytics-index766"),
]
