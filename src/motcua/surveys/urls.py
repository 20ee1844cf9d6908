from django.urls import URLPattern, path

from motcua.surveys import views as v

app_name = "surveys"

urlpatterns: list[URLPattern] = [
    path("", v.campaigns, name="list"),
    path("<slug:code>/", v.results, name="results"),
    path("<slug:code>/ket-qua.<str:fmt>", v.export, name="export"),
    path("<slug:code>/nhap-phieu/", v.import_paper, name="import"),
]
