from django.urls import URLPattern, path

from motcua.inspections import views as v

app_name = "inspections"

urlpatterns: list[URLPattern] = [
    path("", v.plans, name="plans"),
    path("lenh/<str:name>/", v.run, name="run"),
    path("ke-hoach/<int:pk>/", v.plan, name="plan"),
    path("ke-hoach/<int:pk>/<str:name>/", v.run_on("plan"), name="plan-run"),
    path("don-vi-kiem-tra/<int:pk>/<str:name>/", v.run_on("item"), name="item-run"),
    path("bien-ban/<int:pk>/", v.inspection, name="inspection"),
    path("bien-ban/<int:pk>/<str:name>/", v.run_on("inspection"), name="inspection-run"),
    path("ton-tai/<int:pk>/<str:name>/", v.run_on("finding"), name="finding-run"),
    path("khac-phuc/", v.remediation_list, name="remediation-list"),
    path("khac-phuc/<int:pk>/", v.remediation, name="remediation"),
    path("khac-phuc/<int:pk>/minh-chung/<int:report>/", v.evidence, name="evidence"),
    path("khac-phuc/<int:pk>/<str:name>/", v.run_on("remediation"), name="remediation-run"),
    path("qua-han/", v.overdue, name="overdue"),
    path("qua-han.xlsx", v.overdue_xlsx, name="overdue-xlsx"),
]
