"""`anze simulate sensors [--rate N] [--seconds S]`: publish realistic readings for the registered points.

One gateway per enterprise publishes one canonical message per tick to ANZE_MQTT_URL (QoS 1). Among the
points, one in twenty is a stuck sensor and one in ten makes an excursion into alarm; the last enterprise's
gateway is offline (sends nothing), so the on-line rate and the offline alarms have something to show.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anze.monitoring import mqtt, simulation
from anze.monitoring.adapters import canonical
from anze.monitoring.models import MonitoringPoint


class Command(BaseCommand):
    help = "模拟监测数据：按 --rate 每秒读数向 MQTT 发布监测点读数（仅 sensors）。"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["sensors"])
        parser.add_argument("--rate", type=int, default=0, help="每秒读数（默认每个点按其上报周期）")
        parser.add_argument("--seconds", type=float, default=0, help="运行秒数（默认一直运行）")

    def handle(self, *args, what: str, rate: int, seconds: float, **options):
        import paho.mqtt.client as paho

        if not settings.MQTT_URL:
            raise CommandError("未配置 ANZE_MQTT_URL（如 mqtt://127.0.0.1:1883）。")
        broker = mqtt.broker_from_url(settings.MQTT_URL)
        points = list(
            MonitoringPoint.objects.select_related("enterprise")
            .filter(in_service_until__isnull=True)
            .order_by("enterprise_id", "code")
        )
        if not points:
            raise CommandError("没有已登记的监测点；请先运行 `anze demo` 或登记监测点。")
        gateways: dict[str, list[simulation.Sensor]] = defaultdict(list)
        for i, p in enumerate(points):
            behaviour = (
                simulation.STUCK
                if i % 20 == 7
                else simulation.EXCURSION
                if i % 10 == 3
                else simulation.NORMAL
            )
            limits = {
                f: getattr(p, f) for f in ("low_low", "low", "high", "high_high", "range_min", "range_max")
            }
            gateways[p.enterprise.credit_code].append(
                simulation.Sensor.for_point(p.code, limits, behaviour, seed=i)
            )
        offline = list(gateways)[-1] if len(gateways) > 1 else None
        period = max(p.expected_period_s for p in points)
        tick = 1.0
        # Readings per tick per point: the rate spread over the points, or one per point per period.
        per_tick = rate / len(points) if rate else tick / period
        client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"anze-simulator-{time.time_ns()}")
        client.connect(broker.host, broker.port)
        client.loop_start()
        started, sent, owed = time.monotonic(), 0, 0.0
        self.stdout.write(f"{len(points)} 个监测点，{len(gateways)} 个网关（离线网关：{offline or '无'}）")
        try:
            while not seconds or time.monotonic() - started < seconds:
                t = time.monotonic() - started
                owed += per_tick
                count, owed = int(owed), owed - int(owed)
                now = timezone.now()
                for credit_code, sensors in gateways.items():
                    if credit_code == offline or not count:
                        continue
                    readings = [
                        (s.code, now, s.value(t + k * tick / count)) for s in sensors for k in range(count)
                    ]
                    payload = canonical.encode(credit_code, f"GW-{credit_code[-4:]}", readings)
                    client.publish(f"{settings.MQTT_PREFIX}/{credit_code}/GW-{credit_code[-4:]}/readings", payload,
                                   qos=1)  # fmt: skip
                    sent += len(readings)
                time.sleep(max(0.0, tick - (time.monotonic() - started - t)))
        except KeyboardInterrupt:
            pass
        finally:
            client.disconnect()
            client.loop_stop()
        self.stdout.write(f"已发布 {sent} 个读数。")
