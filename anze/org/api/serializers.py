"""API serializers: public ids only, related objects chosen among those the caller may view, writes
through the services (so the API is audited and guarded exactly like the pages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anze.org import services
from anze.org.models import Committee, CommitteeLeader, Person, Region, Unit, UnitGroup


class VisibleSlugRelatedField(serializers.SlugRelatedField):
    """A related object by public_id, looked up only among those the caller may view."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.restrict(getattr(request, "user", None), "view")


def _related(model: type, **kwargs: Any) -> VisibleSlugRelatedField:
    return VisibleSlugRelatedField(queryset=model.objects.all(), **kwargs)


def _call(service: Any, **kwargs: Any) -> Any:
    """Run a service; its ValidationError becomes a 400 with field errors and stable codes."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise serializers.ValidationError(
                {
                    field: [
                        serializers.ErrorDetail(e.message % (e.params or {}), code=e.code) for e in errors
                    ]
                    for field, errors in error.error_dict.items()
                }
            ) from error
        raise serializers.ValidationError(
            [serializers.ErrorDetail(e.message % (e.params or {}), code=e.code) for e in error.error_list]
        ) from error


class AliasesField(serializers.ListField):
    """A unit's aliases as a list of names (read from the prefetched alias rows)."""

    def get_attribute(self, instance: Unit) -> list[str]:
        return [alias.name for alias in instance.aliases.all()]


class UnitSummarySerializer(serializers.ModelSerializer):
    """A unit in a list of members."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind"]


class _ServiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    @property
    def actor(self) -> Any:
        return self.context["request"].user


class RegionSerializer(_ServiceSerializer):
    """行政区划."""

    parent = _related(Region, required=False, allow_null=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "short_name", "level", "parent", "path", "sort_order", "is_active"]
        read_only_fields = ["path", "is_active"]

    def create(self, validated_data: dict[str, Any]) -> Region:
        return _call(services.create_region, actor=self.actor, **validated_data)

    def update(self, instance: Region, validated_data: dict[str, Any]) -> Region:
        validated_data.pop("parent", None)
        return _call(services.update_region, actor=self.actor, region=instance, **validated_data)


class UnitSerializer(_ServiceSerializer):
    """单位, with its aliases."""

    region = _related(Region)
    parent = _related(Unit, required=False, allow_null=True)
    aliases = AliasesField(child=serializers.CharField(max_length=150), required=False)

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "region",
            "parent",
            "aliases",
            "phone",
            "address",
            "sort_order",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    def create(self, validated_data: dict[str, Any]) -> Unit:
        return _call(services.create_unit, actor=self.actor, **validated_data)

    def update(self, instance: Unit, validated_data: dict[str, Any]) -> Unit:
        return _call(services.update_unit, actor=self.actor, unit=instance, **validated_data)


class UnitGroupSerializer(_ServiceSerializer):
    """单位集合 (members on the detail)."""

    region = _related(Region)
    committee = _related(Committee, required=False, allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = UnitGroup
        fields = ["id", "name", "aliases", "description", "rule", "committee", "region", "is_active"]
        read_only_fields = ["is_active"]

    def create(self, validated_data: dict[str, Any]) -> UnitGroup:
        return _call(services.create_unit_group, actor=self.actor, **validated_data)

    def update(self, instance: UnitGroup, validated_data: dict[str, Any]) -> UnitGroup:
        return _call(services.update_unit_group, actor=self.actor, group=instance, **validated_data)


class UnitGroupDetailSerializer(UnitGroupSerializer):
    """单位集合 with its current member units (derived by rule or listed by hand)."""

    members = serializers.SerializerMethodField()

    class Meta(UnitGroupSerializer.Meta):
        fields = [*UnitGroupSerializer.Meta.fields, "members"]

    @extend_schema_field(UnitSummarySerializer(many=True))
    def get_members(self, group: UnitGroup) -> list[dict[str, Any]]:
        user = self.context["request"].user
        return UnitSummarySerializer(group.members().restrict(user, "view"), many=True).data


class MembersChangeSerializer(serializers.Serializer):
    """Units to add to and remove from a group or committee."""

    add = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    remove = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)


class PersonSerializer(_ServiceSerializer):
    """人员, with the posts they hold now."""

    region = _related(Region)
    current_posts = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "name", "region", "note", "current_posts", "is_active"]
        read_only_fields = ["is_active"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_current_posts(self, person: Person) -> list[str]:
        holdings = getattr(person, "current_holdings", None)  # prefetched for lists; read after a change
        if holdings is None:
            holdings = person.holdings.filter(ended_on__isnull=True).select_related("post__unit")
        return [f"{h.post.unit}{h.post}" for h in holdings]

    def create(self, validated_data: dict[str, Any]) -> Person:
        return _call(services.create_person, actor=self.actor, **validated_data)

    def update(self, instance: Person, validated_data: dict[str, Any]) -> Person:
        return _call(services.update_person, actor=self.actor, person=instance, **validated_data)


class CommitteeLeaderSerializer(serializers.ModelSerializer):
    """A person at the head of a committee."""

    person = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = CommitteeLeader
        fields = ["role", "person", "name"]


class CommitteeSerializer(_ServiceSerializer):
    """委员会, with its leaders and member units."""

    region = _related(Region)
    parent = _related(Committee, required=False, allow_null=True)
    office_unit = _related(Unit, required=False, allow_null=True)
    leaders = CommitteeLeaderSerializer(many=True, read_only=True)
    member_units = UnitSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "region",
            "parent",
            "office_unit",
            "leaders",
            "member_units",
            "is_active",
        ]
        read_only_fields = ["is_active"]

    def create(self, validated_data: dict[str, Any]) -> Committee:
        return _call(services.create_committee, actor=self.actor, **validated_data)

    def update(self, instance: Committee, validated_data: dict[str, Any]) -> Committee:
        for fixed in ("kind", "region"):
            if fixed in validated_data and validated_data[fixed] != getattr(instance, fixed):
                raise serializers.ValidationError({fixed: "cannot be changed"}, code="immutable")
            validated_data.pop(fixed, None)
        return _call(services.update_committee, actor=self.actor, committee=instance, **validated_data)
