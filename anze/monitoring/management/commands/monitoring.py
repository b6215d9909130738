"""`anze monitoring consume`: store the readings gateways publish to ANZE_MQTT_URL (runs until stopped).
`anze monitoring jt808 [--host H] [--port P]`: listen for JT/T 808 vehicle terminals (runs until stopped)."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anze.monitoring import mqtt


class Command(BaseCommand):
    help = "在线监测：consume 从 MQTT 接收网关报文并入库（收到即确认仅在提交之后）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["consume", "jt808"])
        parser.add_argument("--host", default="0.0.0.0", help="jt808：监听地址")
        parser.add_argument("--port", type=int, default=8808, help="jt808：监听端口")
        parser.add_argument("--client-id", default="anze-monitoring", help="持久会话的客户端标识")
        parser.add_argument("--batch", type=int, default=500, help="每个事务最多处理的报文数")
        parser.add_argument(
            "--until-idle", type=float, default=None, help="空闲这么多秒后退出（默认一直运行）"
        )

    def handle(self, *args, action: str, client_id: str, batch: int, until_idle: float | None, **options):
        if action == "jt808":
            return self._jt808(options["host"], options["port"])
        if not settings.MQTT_URL:
            raise CommandError("未配置 ANZE_MQTT_URL（如 mqtt://127.0.0.1:1883）。")
        consumer = mqtt.Consumer(
            mqtt.broker_from_url(settings.MQTT_URL), prefix=settings.MQTT_PREFIX, client_id=client_id,
            batch_size=batch,
        )  # fmt: skip
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        consumer.start()
        self.stdout.write(f"订阅 {mqtt.topic_filter(settings.MQTT_PREFIX)}（客户端 {client_id}）")
        try:
            totals = consumer.run(stop=stop, until_idle=until_idle)
        except KeyboardInterrupt:
            totals = consumer.totals
        finally:
            consumer.stop()
        self.stdout.write(
            f"已存储 {totals.stored} 个读数，拒收 {totals.rejected_messages} 条报文，新报警 {totals.raised} 个。"
        )

    def _jt808(self, host: str, port: int) -> None:
        from anze.monitoring.adapters import jt808_server

        server = jt808_server.serve(host, port)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
        self.stdout.write(f"JT/T 808 监听 {host}:{server.server_address[1]}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
