from django.urls import path

from motcua.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.start, name="start"),
    path("phieu/", views.form, name="form"),
]
