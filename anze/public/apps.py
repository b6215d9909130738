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
