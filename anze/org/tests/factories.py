"""factory_boy factories for the organization app."""

from __future__ import annotations

import factory

from anze.org.choices import CommitteeKind, RegionLevel, UnitKind
from anze.org.models import Committee, Person, Post, PostHolding, Region, Unit, UnitAlias, UnitGroup


class RegionFactory(factory.django.DjangoModelFactory):
    """A county under Linyi unless told otherwise."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3713{n + 40:02d}")
    name = factory.Sequence(lambda n: f"测试{n}县")
    level = RegionLevel.COUNTY
    parent = factory.LazyFunction(
        lambda: Region.objects.get_or_create(
            code="371300",
            defaults={
                "name": "临沂市",
                "level": RegionLevel.CITY,
                "parent": Region.objects.get_or_create(
                    code="370000", defaults={"name": "山东省", "level": RegionLevel.PROVINCE}
                )[0],
            },
        )[0]
    )


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.Sequence(lambda n: f"测单{n}")
    kind = UnitKind.GOVERNMENT_DEPARTMENT
    region = factory.SubFactory(RegionFactory)


class UnitAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitAlias

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"别称{n}")


class UnitGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitGroup

    name = factory.Sequence(lambda n: f"测试集合{n}")
    region = factory.SubFactory(RegionFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    region = factory.SubFactory(RegionFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"职务{n}")
    unit = factory.SubFactory(UnitFactory)


class PostHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostHolding

    post = factory.SubFactory(PostFactory)
    person = factory.SubFactory(PersonFactory)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"测试安委会{n}")
    kind = CommitteeKind.SAFETY_COMMITTEE
    region = factory.SubFactory(RegionFactory)
