"""The simulator's own data: the national side (DVCQG portal and VNeID), kept apart from motcua's.

Nothing in motcua reads these tables; the simulator speaks to motcua only through the national
adapter's HTTP protocol (`nationalportal.protocol`), as the real portal would.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    """A VNeID test citizen (level-2 electronic identity)."""

    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    name = models.CharField(_("họ và tên"), max_length=255)
    birth_date = models.DateField(_("ngày sinh"))
    phone = models.CharField(_("số điện thoại"), max_length=20)
    email = models.EmailField(_("thư điện tử"), blank=True, default="")
    address = models.CharField(_("nơi cư trú"), max_length=500)
    password = models.CharField(max_length=128)  # Django password hash
    subject = models.CharField(_("định danh OIDC (sub)"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("công dân thử nghiệm (VNeID)")
        verbose_name_plural = _("công dân thử nghiệm (VNeID)")
        ordering = ["id_number"]

    def __str__(self) -> str:
        return f"{self.id_number} {self.name}"


class SigningKey(models.Model):
    """The identity provider's RSA key (private JWK), made on first use."""

    kid = models.CharField(max_length=64, unique=True)
    private_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid


class AuthorizationCode(models.Model):
    code = models.CharField(max_length=64, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE)
    client_id = models.CharField(max_length=64)
    redirect_uri = models.CharField(max_length=500)
    scope = models.CharField(max_length=200)
    nonce = models.CharField(max_length=200, blank=True, default="")
    code_challenge = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code for {self.citizen_id}"


class AccessToken(models.Model):
    token = models.CharField(max_length=64, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE)
    scope = models.CharField(max_length=200)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token for {self.citizen_id}"


class Delivery(models.TextChoices):
    PENDING = "pending", _("Đang gửi đến cơ quan giải quyết")
    DELIVERED = "delivered", _("Đã gửi đến cơ quan giải quyết")
    HELD = "held", _("Cơ quan giải quyết chưa nhận đủ tệp")
    REJECTED = "rejected", _("Cơ quan giải quyết không nhận")


class PortalDossier(models.Model):
    """A dossier as the national portal sees it: filed here, or announced by the province."""

    ref = models.CharField(_("mã hồ sơ trên Cổng"), max_length=64, unique=True)
    citizen = models.ForeignKey(Citizen, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers")
    procedure_code = models.CharField(max_length=40)
    procedure_name = models.CharField(max_length=500)
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=255, blank=True, default="")
    form = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    delivery_note = models.TextField(blank=True, default="")
    # What the province told us (messages in order).
    code = models.CharField(_("mã hồ sơ của cơ quan giải quyết"), max_length=64, blank=True, default="", db_index=True)
    status = models.CharField(max_length=20, blank=True, default="")
    status_label = models.CharField(max_length=100, blank=True, default="")
    due_at = models.CharField(max_length=40, blank=True, default="")
    appointment_at = models.CharField(max_length=40, blank=True, default="")
    supplement_items = models.JSONField(default=list, blank=True)
    supplement_reason = models.TextField(blank=True, default="")
    supplement_answered = models.BooleanField(default=False)
    result_filename = models.CharField(max_length=255, blank=True, default="")
    result_code = models.CharField(max_length=120, blank=True, default="")
    result_sha256 = models.CharField(max_length=64, blank=True, default="")
    result_content = models.BinaryField(null=True, blank=True)
    rated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ trên Cổng (mô phỏng)")
        verbose_name_plural = _("hồ sơ trên Cổng (mô phỏng)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.ref


class PortalFile(models.Model):
    dossier = models.ForeignKey(PortalDossier, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(max_length=12, default="filing")  # filing | supplement
    component = models.CharField(max_length=60)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.filename


class ProvinceMessage(models.Model):
    """A message received from the province, exactly once per (dossier code, sequence)."""

    code = models.CharField(max_length=64)
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    dossier = models.ForeignKey(PortalDossier, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "seq"]
        constraints = [models.UniqueConstraint(fields=["code", "seq"], name="sim_message_code_seq")]

    def __str__(self) -> str:
        return f"{self.code}#{self.seq} {self.type}"


class ReceiverSwitch(models.Model):
    """Whether the simulated receiver answers (off: 503, as when the national side is down)."""

    online = models.BooleanField(default=True)

    def __str__(self) -> str:
        return "online" if self.online else "offline"

    @classmethod
    def is_online(cls) -> bool:
        row = cls.objects.filter(pk=1).first()
        return True if row is None else row.online

    @classmethod
    def set(cls, online: bool) -> None:
        cls.objects.update_or_create(pk=1, defaults={"online": online})


class PortalFeedback(models.Model):
    """A feedback (PAKN) sent by a citizen on the national portal, and what the province told us of it."""

    ref = models.CharField(_("mã phản ánh trên Cổng"), max_length=64, unique=True)  # = external_id at motcua
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="feedback")
    unit_code = models.CharField(max_length=40)
    unit_name = models.CharField(max_length=255, blank=True, default="")
    title = models.CharField(max_length=300)
    content = models.TextField()
    attachment_name = models.CharField(max_length=255, blank=True, default="")
    attachment = models.BinaryField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    delivery_note = models.TextField(blank=True, default="")
    # What the province told us.
    code = models.CharField(_("mã phản ánh của cơ quan"), max_length=64, blank=True, default="", db_index=True)
    status = models.CharField(max_length=20, blank=True, default="")
    supplement_message = models.TextField(blank=True, default="")
    supplement_answer = models.TextField(blank=True, default="")
    answer = models.TextField(blank=True, default="")
    answered_at = models.CharField(max_length=40, blank=True, default="")
    published_at = models.CharField(max_length=40, blank=True, default="")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phản ánh trên Cổng (mô phỏng)")
        verbose_name_plural = _("phản ánh trên Cổng (mô phỏng)")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.ref
