from django.urls import path, re_path

from motcua.payments import sim_views, views

app_name = "payments"

urlpatterns = [
    re_path(r"^vnpay/ipn/?$", views.ipn, name="ipn"),
    re_path(r"^vnpay/return/?$", views.vnpay_return, name="return"),
    path("pay/<str:txn_ref>/", views.pay_page, name="pay"),
    path("pay/<str:txn_ref>/vnpay/", views.pay_go, name="pay_go"),
    path("receipt/<str:txn_ref>.pdf", views.receipt_pdf, name="receipt"),
    path("notice/<str:txn_ref>.pdf", views.notice_pdf, name="notice"),
    path("request/<str:code>/", views.request_payment, name="request"),
    path("request-fee/<str:code>/", views.request_catalogue_fee, name="request_fee"),
    path("doi-soat/", views.daily, name="daily"),
]

sim_urlpatterns = (
    [
        path("", sim_views.console, name="console"),
        path("paymentv2/vpcpay.html", sim_views.pay, name="pay"),
        path("act/<str:txn_ref>/", sim_views.act, name="act"),
        path("merchant_webapi/api/transaction", sim_views.api, name="api"),
    ],
    "payments_sim",
)
