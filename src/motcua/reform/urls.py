from django.urls import URLPattern, path

from motcua.reform import views as v

app_name = "reform"

urlpatterns: list[URLPattern] = [
    path("", v.rounds, name="rounds"),
    path("nhap-bo-chi-so/", v.import_set, name="import"),
    path("mo-dot/<int:set_id>/", v.open_round, name="open"),
    path("xep-hang/", v.ranking_page, name="ranking"),
    path("dot/<int:pk>/", v.round_page, name="round"),
    path("dot/<int:pk>/dieu-tra/", v.survey_import, name="survey-import"),
    path("dot/<int:pk>/<str:name>/", v.round_step, name="round-step"),
    path("danh-gia/<int:pk>/", v.assessment, name="assessment"),
    path("danh-gia/<int:pk>/bao-cao.<str:fmt>", v.report, name="report"),
    path("danh-gia/<int:pk>/<str:name>/", v.run, name="run"),
    path("tep/<int:pk>/", v.evidence, name="evidence"),
]
