from django.urls import path

from motcua.nationalportal import control

app_name = "nationalportal_control"
urlpatterns = [
    path("", control.control_room, name="room"),
    path("gui-lai/<str:code>/", control.resend, name="resend"),
]
