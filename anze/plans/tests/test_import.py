"""Importing plans: the seed resolves completely, re-imports change nothing, revisions become versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from anze.audit.models import AuditEvent
from anze.org.models import Person, Unit, UnitAlias, UnitGroup
from anze.plans import services
from anze.plans.choices import AssignmentRole, AssignmentStatus
from anze.plans.importing import sm3_hex
from anze.plans.models import (
    Clause,
    ClauseAssignment,
    ClauseDuty,
    Plan,
    PlanVersion,
    Section,
    SourceDocument,
    Task,
)
from anze.plans.tests.factories import clause, import_small_plan, small_plan, stored_files, upload_of

pytestmark = pytest.mark.django_db

PLAN_MODELS = (Plan, PlanVersion, Section, Task, Clause, ClauseAssignment, ClauseDuty, SourceDocument)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in PLAN_MODELS}


def test_the_seed_imports_with_every_name_resolved(linyi, alice, seed_upload, media_root):
    result = services.import_plan(seed_upload, actor=alice, region=linyi)

    assert result.created
    version = result.version
    assert result.plan.title.startswith("临沂市贯彻落实")
    assert result.plan.doc_number == "办字〔2020〕23号"
    assert str(result.plan.issued_on) == "2020-11-11"
    assert version.number == 1 and result.plan.current_version == version
    assert Task.objects.filter(version=version).count() == 15
    assert Clause.objects.filter(version=version).count() == 16
    assert result.unresolved == []
    assert not version.assignments.filter(status=AssignmentStatus.UNRESOLVED).exists()
    # Leaders resolve to the demo people, units to the demo units.
    first = Clause.objects.get(version=version, key="1.1")
    leads = first.assignments.filter(role=AssignmentRole.LEAD_LEADER)
    assert [a.person.name for a in leads] == ["姜仕礼"]
    direct = first.assignments.filter(
        role=AssignmentRole.RESPONSIBLE_UNIT, via_group=False, status=AssignmentStatus.RESOLVED
    )
    assert {a.raw_name for a in direct} == {"市委宣传部", "市委党校（行政学院）"}
    assert all(a.unit is not None for a in direct)
    # 各县区政府 is a group: one group row and one row per county government, each linked to the group.
    group_row = first.assignments.get(raw_name="各县区政府", via_group=False)
    assert group_row.status == AssignmentStatus.GROUP
    members = first.assignments.filter(raw_name="各县区政府", via_group=True)
    assert members.count() == group_row.group.members().count() > 0
    assert all(m.group_id == group_row.group_id and m.status == AssignmentStatus.RESOLVED for m in members)
    # The document is kept under its SM3 digest, not its name.
    document = version.document
    assert document.sm3 == sm3_hex(seed_upload.content) == version.content_hash
    assert document.file.name == f"documents/{document.sm3[:2]}/{document.sm3}"
    assert document.original_filename == "linyi-2020-23.txt"
    assert default_storage.open(document.file.name).read() == seed_upload.content
    # One audit event for the whole import.
    events = AuditEvent.objects.filter(action="plans.plan.import")
    assert events.count() == 1 and events.get().after["clauses"] == 16


def test_importing_the_same_document_twice_changes_nothing(linyi, alice, seed_upload, media_root):
    services.import_plan(seed_upload, actor=alice, region=linyi)
    counts, events, files = row_counts(), AuditEvent.objects.count(), stored_files(media_root)

    again = services.import_plan(seed_upload, actor=alice, region=linyi)

    assert not again.created
    assert row_counts() == counts
    assert AuditEvent.objects.count() == events
    assert stored_files(media_root) == files


def test_a_revised_document_becomes_version_two_with_a_clause_diff(linyi, alice, seed_bytes):
    first = services.import_plan(services.parse_document(seed_bytes, "v1.txt"), actor=alice, region=linyi)
    text = seed_bytes.decode("utf-8")
    edited = text.replace("3年巡查一遍", "2年巡查一遍")
    assert edited != text
    added = edited.replace(
        "六、推进安全生产社会共治",
        "16. 建立安全生产举报奖励资金保障机制。（牵头领导：侯晓滨；责任单位：市财政局、市应急局）\n\n六、推进安全生产社会共治",
    )
    revised = services.parse_document(added.encode("utf-8"), "v2.txt")

    result = services.import_plan(revised, actor=alice, region=linyi)

    assert result.created and result.plan == first.plan
    assert result.version.number == 2
    assert Plan.objects.get().current_version == result.version
    diff = result.version.diff
    assert diff["summary"]["added"] == 1
    assert diff["summary"]["removed"] == 0
    changed = [c for c in diff["clauses"] if c["change"] == "changed"]
    assert any("text" in c["fields"] and c["key"] == "2.1" for c in changed)
    assert any("举报奖励" in c["text"] for c in diff["clauses"] if c["change"] == "added")
    # Both versions keep their own tree.
    assert Clause.objects.filter(version=first.version).count() == 16
    assert Clause.objects.filter(version=result.version).count() == 17


def test_unresolved_names_are_kept_and_mapping_one_records_an_alias(linyi, alice):
    result = import_small_plan(
        linyi,
        clause(
            "开展专项整治。", responsible_units=["市应急管理局局", "市交通运输局"], lead_leaders=["张三丰"]
        ),
        clause("建立工作机制。", responsible_units=["市应急管理局局"]),
        actor=alice,
    )
    assert sorted(result.unresolved) == ["市应急管理局局", "张三丰"]
    rows = ClauseAssignment.objects.filter(raw_name="市应急管理局局")
    assert rows.count() == 2 and all(r.status == AssignmentStatus.UNRESOLVED and r.unit is None for r in rows)
    report = services.name_report(result.version.parsed, linyi)
    suggestions = next(e for e in report["unresolved"] if e["name"] == "市应急管理局局")["suggestions"]
    assert suggestions and suggestions[0]["label"] == "临沂市应急管理局"

    emergency = Unit.objects.get(name="临沂市应急管理局")
    changed = services.map_name(result.plan, "市应急管理局局", actor=alice, unit=emergency)

    assert changed == 2
    assert all(r.status == AssignmentStatus.RESOLVED and r.unit == emergency for r in rows.all())
    assert UnitAlias.objects.filter(name="市应急管理局局", unit=emergency).exists()
    assert AuditEvent.objects.filter(action="plans.assignment.map").count() == 1
    # The next import resolves the name by itself.
    again = import_small_plan(
        linyi,
        clause("新条款。", responsible_units=["市应急管理局局"]),
        actor=alice,
        title="另一方案",
        doc_number=None,
    )
    assert again.unresolved == []


def test_mapping_a_leader_is_reused_by_later_imports(linyi, alice):
    result = import_small_plan(linyi, clause("开展工作。", lead_leaders=["市政府分管领导同志"]), actor=alice)
    assert result.unresolved == ["市政府分管领导同志"]
    person = Person.objects.get(name="侯晓滨")

    services.map_name(result.plan, "市政府分管领导同志", actor=alice, person=person)

    again = import_small_plan(
        linyi,
        clause("另一项工作。", lead_leaders=["市政府分管领导同志"]),
        actor=alice,
        title="另一方案",
        doc_number=None,
    )
    assert again.unresolved == []
    assert again.version.assignments.get().person == person


def test_a_leader_named_by_post_resolves_through_the_post_holder(linyi, alice):
    result = import_small_plan(linyi, clause("开展工作。", lead_leaders=["常务副市长"]), actor=alice)
    assignment = result.version.assignments.get()
    assert assignment.status == AssignmentStatus.RESOLVED
    assert assignment.person.name == "侯晓滨"


def test_mapping_to_a_group_expands_to_its_members(linyi, alice):
    result = import_small_plan(
        linyi, clause("开展工作。", responsible_units=["各区县人民政府们"]), actor=alice
    )
    group = UnitGroup.objects.get(name="各县区政府")

    services.map_name(result.plan, "各区县人民政府们", actor=alice, group=group)

    rows = result.version.assignments.all()
    assert rows.get(via_group=False).status == AssignmentStatus.GROUP
    assert rows.filter(via_group=True).count() == group.members().count() > 0
    assert "各区县人民政府们" in UnitGroup.objects.get(pk=group.pk).aliases


def test_group_names_expand_to_members_with_the_group_kept(linyi, alice):
    result = import_small_plan(
        linyi, clause("开展工作。", responsible_units=["市安委会各成员单位"]), actor=alice
    )
    group = UnitGroup.objects.get(pk=result.version.assignments.get(via_group=False).group_id)
    members = result.version.assignments.filter(via_group=True)
    assert set(members.values_list("unit_id", flat=True)) == set(group.members().values_list("pk", flat=True))


def test_people_without_a_role_cannot_import_and_nothing_is_written(
    linyi, bob, charlie, dave, seed_upload, media_root
):
    for user in (bob, charlie, dave):
        with pytest.raises(PermissionDenied):
            services.import_plan(seed_upload, actor=user, region=linyi)
    assert all(count == 0 for count in row_counts().values())
    assert stored_files(media_root) == []


def test_a_failed_import_leaves_no_rows_and_no_file(linyi, alice, media_root, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_import_event", boom)
    with pytest.raises(RuntimeError):
        import_small_plan(linyi, actor=alice)
    assert all(count == 0 for count in row_counts().values())
    assert stored_files(media_root) == []


def test_duties_and_deadlines_are_kept(linyi, alice):
    result = import_small_plan(
        linyi,
        clause(
            "每季度召开1次会议，2024年底前完成。",
            responsible_units=["市应急局"],
            deadline={"text": "2024年底前", "date": "2024-12-31", "ongoing": False},
            duties=[
                {"text": "每季度召开1次会议", "rrule": "FREQ=MONTHLY;INTERVAL=3", "count": 1, "subject": None}
            ],
        ),
        actor=alice,
    )
    item = Clause.objects.get(version=result.version)
    assert item.deadline_text == "2024年底前" and str(item.deadline_date) == "2024-12-31"
    duty = item.duties.get()
    assert duty.rrule == "FREQ=MONTHLY;INTERVAL=3" and duty.count == 1


def test_same_title_means_same_plan_even_without_a_doc_number(linyi, alice):
    one = import_small_plan(
        linyi, clause("第一条。", responsible_units=["市应急局"]), actor=alice, doc_number=None
    )
    two = import_small_plan(
        linyi, clause("第一条，修订。", responsible_units=["市应急局"]), actor=alice, doc_number=None
    )
    assert one.plan == two.plan and two.version.number == 2
    assert two.version.diff["summary"]["changed"] == 1


def test_hand_written_dicts_with_no_clauses_are_refused(linyi, alice):
    from anze.plans.parsing.errors import PlanParseError

    with pytest.raises(PlanParseError) as caught:
        services.parse_document("只有一句话，没有任务。".encode(), "x.txt")
    assert caught.value.code == "no_tasks"
    assert upload_of(small_plan()).data["sections"][0]["tasks"] == []
