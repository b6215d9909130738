from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "anze.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.audit.services import on_object_denied, on_request_denied
        from anze.core.signals import object_denied, request_denied

        # core announces refusals; the trail keeps them (core never imports the audit app).
        object_denied.connect(on_object_denied, dispatch_uid="anze.audit.object_denied")
        request_denied.connect(on_request_denied, dispatch_uid="anze.audit.request_denied")

        from django.utils.translation import gettext_lazy as _

        from anze.accounts.roles import Role
        from anze.audit import home
        from anze.audit.witness import witness_when_due
        from anze.core import registry
        from anze.core.navigation import NavItem, NavSection

        registry.add_nav_section(
            NavSection(
                _("系统"),
                (
                    NavItem(
                        _("审计日志"),
                        "audit:event_list",
                        "journal-text",
                        frozenset({Role.AUDIT_ADMIN, Role.AUDITOR, Role.OFFICE, Role.COUNTY}),
                    ),
                ),
            ),
            order=91,
        )
        registry.add_home_panel(
            registry.HomePanel(key="audit", template="audit/home_panel.html", context=home.panel, order=5)
        )

        # The chain's head is published outside the database on a schedule (`anze tick`, the hourly job);
        # the job publishes only when the last witness is older than ANZE_AUDIT_WITNESS_HOURS.
        registry.add_job("audit.witness", witness_when_due, order=90)
        # On PostgreSQL the trail is partitioned by month: the coming months are made ahead, the months past
        # ANZE_AUDIT_RETENTION_DAYS detached (kept as tables of their own for archiving, never dropped).
        from anze.audit.partitions import maintain as maintain_partitions

        registry.add_job("audit.partitions", maintain_partitions, order=89)
        from anze.audit.health import check_audit_chain

        registry.add_health_check("audit_chain", check_audit_chain, order=10)
