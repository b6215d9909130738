from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public portal: rewarded reports (有奖举报) and disclosures of major hidden dangers."""

    name = "anze.public"
    label = "public"
    verbose_name = "有奖举报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        checks.register(check_pii_key, checks.Tags.security, deploy=True)

        from django.utils.translation import gettext_lazy as _

        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import NavItem, NavSection

        registry.add_nav_section(
            NavSection(
                _("有奖举报"),
                (
                    NavItem(
                        _("举报受理"),
                        "tips:tip_list",
                        "megaphone",
                        frozenset({Role.OFFICE, Role.COUNTY, Role.UNIT}),
                    ),
                    NavItem(
                        _("奖励"),
                        "tips:reward_list",
                        "cash-coin",
                        frozenset({Role.OFFICE, Role.COUNTY, Role.AUDITOR}),
                    ),
                ),
            ),
            order=70,
        )


def check_pii_key(app_configs=None, **kwargs):
    """`manage.py check --deploy` fails when the reporters' identity key is missing or malformed."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    from anze.public.crypto import _key

    try:
        _key()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="anze.public.E001")]
    return []
