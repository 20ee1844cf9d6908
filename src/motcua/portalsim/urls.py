from django.urls import path

from motcua.portalsim import control, portal, receiver, vneid

app_name = "portalsim"
urlpatterns = [
    path("", portal.home, name="home"),
    path("dang-nhap/", portal.login, name="login"),
    path("dang-nhap/xong/", portal.callback, name="callback"),
    path("dang-xuat/", portal.logout, name="logout"),
    path("thu-tuc/", portal.procedure_search, name="search"),
    path("thu-tuc/<str:code>/nop/", portal.file_dossier, name="file"),
    path("ho-so/", portal.my_dossiers, name="my_dossiers"),
    path("ho-so/<str:ref>/", portal.dossier, name="dossier"),
    path("ho-so/<str:ref>/bo-sung/", portal.supply, name="supply"),
    path("ho-so/<str:ref>/ket-qua/", portal.result_file, name="result"),
    path("ho-so/<str:ref>/danh-gia/", portal.rate, name="rate"),
    path("phan-anh/", portal.feedback, name="feedback"),
    path("phan-anh/<str:ref>/", portal.feedback_detail, name="feedback_detail"),
    path("phan-anh/<str:ref>/danh-gia/", portal.feedback_rate, name="feedback_rate"),
    path("phan-anh/<str:ref>/bo-sung/", portal.feedback_supplement, name="feedback_supplement"),
    path("api/receiver", receiver.receive, name="receiver"),
    path("dieu-khien/", control.control, name="control"),
    path("vneid/.well-known/openid-configuration", vneid.discovery, name="vneid_discovery"),
    path("vneid/authorize", vneid.authorize, name="vneid_authorize"),
    path("vneid/token", vneid.token, name="vneid_token"),
    path("vneid/userinfo", vneid.userinfo, name="vneid_userinfo"),
    path("vneid/jwks", vneid.jwks, name="vneid_jwks"),
]
