from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anze.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.accounts import checks  # noqa: F401  (registers the system checks)
