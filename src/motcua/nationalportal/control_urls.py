from django.urls import path

from motcua.nationalportal import assisted, control

app_name = "nationalportal_control"
urlpatterns = [
    path("", control.control_room, name="room"),
    path("gui-lai/<str:code>/", control.resend, name="resend"),
    path("nop-thay/", assisted.assisted_filing, name="assisted"),
]
