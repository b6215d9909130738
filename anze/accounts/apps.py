from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anze.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from anze.accounts import (
            checks,  # noqa: F401  (registers the system checks)
            demo,
            home,
        )
        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import NavItem, NavSection

        registry.add_nav_section(
            NavSection(
                _("系统"),
                (
                    NavItem(
                        _("用户与角色"),
                        "accounts:user_list",
                        "person-gear",
                        frozenset({Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}),
                    ),
                ),
            ),
            order=90,
        )
        registry.add_home_panel(
            registry.HomePanel(
                key="accounts", template="accounts/home_panel.html", context=home.panel, order=60
            )
        )
        registry.add_demo_step("accounts", demo.demo_step, order=20, needs=("org",))
