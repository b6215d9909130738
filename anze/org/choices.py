"""Choices of the organization app, each with a label and a badge colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    """Administrative level of a region (GB/T 2260)."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("地市级")
    COUNTY = "county", _("县级")
    ZONE = "zone", _("功能区")
    TOWN = "town", _("乡镇街道")


class UnitKind(models.TextChoices):
    """What kind of organ a unit is."""

    PARTY_ORGAN = "party_organ", _("党委机关")
    GOVERNMENT = "government", _("人民政府")
    GOVERNMENT_DEPARTMENT = "government_department", _("政府部门")
    PEOPLES_CONGRESS = "peoples_congress", _("人大机关")
    CPPCC = "cppcc", _("政协机关")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    PEOPLES_ORGANIZATION = "peoples_organization", _("人民团体")
    VERTICAL_AGENCY = "vertical_agency", _("垂直管理机构")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    COUNTY_PARTY_COMMITTEE = "county_party_committee", _("县区党委")
    COUNTY_GOVERNMENT = "county_government", _("县区政府")
    ZONE_COMMITTEE = "zone_committee", _("开发区党工委、管委会")
    COMMITTEE_OFFICE = "committee_office", _("议事协调机构办公室")


class UnitGroupRule(models.TextChoices):
    """How a unit group's membership is derived; EXPLICIT means listed by hand."""

    EXPLICIT = "explicit", _("逐一指定")
    COUNTY_PARTY_COMMITTEES = "county_party_committees", _("每个县级行政区的党委")
    COUNTY_GOVERNMENTS = "county_governments", _("每个县级行政区的政府")
    ZONE_COMMITTEES = "zone_committees", _("每个开发区的党工委、管委会")
    COMMITTEE_MEMBERS = "committee_members", _("某委员会的成员单位")
    SPECIALIZED_COMMITTEE_MEMBERS = "specialized_committee_members", _("某安委会各专业委员会的成员单位")

    @property
    def needs_committee(self) -> bool:
        return self in (UnitGroupRule.COMMITTEE_MEMBERS, UnitGroupRule.SPECIALIZED_COMMITTEE_MEMBERS)

    @property
    def is_derived(self) -> bool:
        return self != UnitGroupRule.EXPLICIT


class CommitteeKind(models.TextChoices):
    """The city safety committee or one of its specialized committees."""

    SAFETY_COMMITTEE = "safety_committee", _("安全生产委员会")
    SPECIALIZED = "specialized", _("专业委员会")


class CommitteeLeaderRole(models.TextChoices):
    """A person's place at the head of a committee."""

    FIRST_DIRECTOR = "first_director", _("第一主任")
    DIRECTOR = "director", _("主任")
    DEPUTY_DIRECTOR = "deputy_director", _("副主任")


# Badge colours (Bootstrap contextual names), one per value, used the same way on every page.
_BADGES: dict[str, str] = {
    RegionLevel.PROVINCE: "primary",
    RegionLevel.CITY: "info",
    RegionLevel.COUNTY: "success",
    RegionLevel.ZONE: "warning",
    RegionLevel.TOWN: "secondary",
    CommitteeKind.SAFETY_COMMITTEE: "primary",
    CommitteeKind.SPECIALIZED: "info",
    CommitteeLeaderRole.FIRST_DIRECTOR: "danger",
    CommitteeLeaderRole.DIRECTOR: "primary",
    CommitteeLeaderRole.DEPUTY_DIRECTOR: "secondary",
}


def badge(value: str) -> str:
    """The badge colour of a choice value; plain grey for values without one (unit kinds, rules)."""
    return _BADGES.get(value, "secondary")
