from django.urls import URLPattern, path

from motcua.feedback import public_views as v

app_name = "feedback-public"

urlpatterns: list[URLPattern] = [
    path("", v.send, name="send"),
    path("danh-gia/<str:token>/", v.follow, name="follow"),
    path("cong-khai/", v.answers, name="answers"),
    path("cong-khai/<str:code>/", v.answer, name="answer"),
]
