from django.urls import URLPattern, path

from motcua.feedback import views as v

app_name = "feedback"

urlpatterns: list[URLPattern] = [
    path("", v.worklist, name="worklist"),
    path("moi/", v.new, name="new"),
    path("bao-cao/", v.report_page, name="report"),
    path("bao-cao.<str:fmt>", v.report_export, name="report-export"),
    path("danh-sach/", v.figure_list, name="list"),
    path("<str:code>/", v.detail, name="detail"),
    path("<str:code>/tep/<int:pk>/", v.attachment, name="attachment"),
    path("<str:code>/<str:name>/", v.run, name="run"),
]
