from django.urls import path

from motcua.signing import simulator, views

app_name = "signing"
urlpatterns = [
    path("xac-thuc/", views.verify_page, name="verify"),
    path("xac-thuc/<str:token>/", views.verify_token, name="verify_token"),
    path("sim/ky-so/csc/v2/info", simulator.info),
    path("sim/ky-so/csc/v2/oauth2/token", simulator.token),
    path("sim/ky-so/csc/v2/credentials/list", simulator.credentials_list),
    path("sim/ky-so/csc/v2/credentials/info", simulator.credentials_info),
    path("sim/ky-so/csc/v2/credentials/authorize", simulator.authorize),
    path("sim/ky-so/csc/v2/signatures/signHash", simulator.sign_hash),
]
