"""Zalo (ZNS): the simulator by default (`MOTCUA_ZALO_PROVIDER`)."""

from __future__ import annotations

from motcua.notifications.channels import Rendered, register, simulator


class SimulatorZalo:
    def send(self, message: Rendered) -> str:
        return simulator.deliver(message)


register("zalo", "simulator")(SimulatorZalo)
