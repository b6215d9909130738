from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anze.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.audit.witness import witness_when_due
        from anze.core import registry

        # The chain's head is published outside the database on a schedule (`anze tick`, the hourly job);
        # the job publishes only when the last witness is older than ANZE_AUDIT_WITNESS_HOURS.
        registry.add_job("audit.witness", witness_when_due, order=90)
