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

        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.org import demo
        from anze.org.home import panel

        registry.add_nav_section(
            NavSection(
                _("组织机构"),
                (
                    NavItem(_("行政区划"), "org:region_list", "map", INTERNAL),
                    NavItem(_("单位"), "org:unit_list", "building", INTERNAL),
                    NavItem(_("单位集合"), "org:unitgroup_list", "collection", INTERNAL),
                    NavItem(_("人员与职务"), "org:person_list", "people", INTERNAL),
                    NavItem(_("委员会"), "org:committee_list", "diagram-3", INTERNAL),
                ),
            ),
            order=10,
        )
        registry.add_demo_step("org", demo.demo_step, order=10)
        registry.add_home_panel(
            registry.HomePanel(key="org", template="org/home_panel.html", context=panel, order=90)
        )
