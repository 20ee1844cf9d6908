from django.urls import URLPattern, URLResolver, path

from motcua.analytics import views

app_name = "analytics"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("unit/<str:code>/", views.unit_page, name="unit"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("export.<str:fmt>", views.export, name="export"),
    path("kl91/", views.kl91_page, name="kl91"),
]
