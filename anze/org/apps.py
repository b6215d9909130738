from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "anze.org"
    label = "org"
    verbose_name = "组织机构"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from anze.audit.actions import register

        for code, label in {
            "org.region.deactivate": _("停用行政区划"),
            "org.unit.deactivate": _("停用单位"),
            "org.unitgroup.deactivate": _("停用单位集合"),
            "org.unitgroup.add_members": _("增加集合成员"),
            "org.unitgroup.remove_members": _("移除集合成员"),
            "org.person.deactivate": _("停用人员"),
            "org.post.deactivate": _("撤销职务"),
            "org.post.appoint": _("任职"),
            "org.post.vacate": _("离任"),
            "org.committee.deactivate": _("撤销委员会"),
            "org.committee.set_leader": _("任命委员会领导"),
            "org.committee.remove_leader": _("免去委员会领导"),
            "org.committee.add_members": _("增加成员单位"),
            "org.committee.remove_members": _("移除成员单位"),
        }.items():
            register(code, label)
