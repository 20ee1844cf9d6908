from django.urls import URLPattern, path

from motcua.surveys import public_views as v

app_name = "surveys-public"

urlpatterns: list[URLPattern] = [
    path("<slug:code>/", v.answer, name="answer"),
    path("<slug:code>/cam-on/", v.thanks, name="thanks"),
    path("<slug:code>/kiosk/", v.kiosk, name="kiosk"),
    path("<slug:code>/kiosk/cam-on/", v.kiosk_thanks, name="kiosk-thanks"),
    path("<slug:code>/phieu/", v.paper, name="paper"),
]
