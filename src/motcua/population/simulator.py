"""Local simulator of the national population database's citizen look-up, mounted at
`/sim/csdlqg-dancu/` while `config.simulators_on()`. Same protocol as `adapters.CsdlqgAdapter` calls:

    GET <base>v1/cong-dan/<so_dinh_danh>   (header X-Api-Key when MOTCUA_POPULATION_API_KEY is set)
    200 {"soDinhDanh", "hoVaTen", "ngaySinh": "YYYY-MM-DD", "gioiTinh": "Nam"|"Nữ", "noiThuongTru"}
    404 {"maLoi": "KHONG_TIM_THAY", "thongBao"}   400 {"maLoi": "SAI_DINH_DANG"}   401 {"maLoi": "SAI_KHOA"}

Fault modes for tests and demos, chosen by the base path: `<base>cham/` answers after 10 s (a
time-out), `<base>loi-503/` answers 503 (the service is down).
"""

from __future__ import annotations

import hmac
import re
import time

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from motcua import config
from motcua.population import synthetic

SLOW_SECONDS = 10.0


@require_GET
def citizen(request: HttpRequest, id_number: str, mode: str = "") -> JsonResponse:
    if not config.simulators_on():
        raise Http404("simulators are off")
    if mode == "cham":
        time.sleep(SLOW_SECONDS)
    if mode == "loi-503":
        return JsonResponse({"maLoi": "HE_THONG_BAN", "thongBao": "Hệ thống đang bảo trì"}, status=503)
    key = config.env("MOTCUA_POPULATION_API_KEY")
    if key and not hmac.compare_digest(request.headers.get("X-Api-Key", ""), key):
        return JsonResponse({"maLoi": "SAI_KHOA", "thongBao": "Khóa truy cập không đúng"}, status=401)
    if not re.fullmatch(r"[0-9]{12}", id_number):
        return JsonResponse({"maLoi": "SAI_DINH_DANG", "thongBao": "Số định danh cá nhân gồm 12 chữ số"}, status=400)
    person = synthetic.find(id_number)
    if person is None:
        return JsonResponse({"maLoi": "KHONG_TIM_THAY", "thongBao": "Không tìm thấy công dân"}, status=404)
    return JsonResponse(
        {
            "soDinhDanh": person.id_number,
            "hoVaTen": person.name,
            "ngaySinh": person.birth_date.isoformat(),
            "gioiTinh": person.sex,
            "noiThuongTru": person.permanent_address,
        },
        json_dumps_params={"ensure_ascii": False},
    )
