from django.urls import URLPattern, path

from motcua.assignments import views as v

app_name = "assignments"

urlpatterns: list[URLPattern] = [
    path("", v.task_list, name="list"),
    path("thong-ke/", v.summary, name="summary"),
    path("qua-han/", v.overdue, name="overdue"),
    path("bao-cao.xlsx", v.export_xlsx, name="export"),
    path("van-ban/moi/", v.new_directive, name="new-directive"),
    path("van-ban/<int:pk>/", v.directive_page, name="directive"),
    path("van-ban/<int:pk>/tep/", v.directive_file, name="directive-file"),
    path("van-ban/<int:pk>/<str:name>/", v.run_on_directive, name="run-directive"),
    path("<int:pk>/", v.task_page, name="task"),
    path("<int:pk>/tep/<str:kind>/<int:row>/", v.task_file, name="task-file"),
    path("<int:pk>/<str:name>/", v.run_on_task, name="run-task"),
]
