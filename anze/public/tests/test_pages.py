import io

import pytest
from django.urls import reverse
from PIL import Image

from anze.audit.models import AuditEvent
from anze.public.models import Tip, TipPhoto
from anze.public.services import assign_tip, submit_tip


def _form(org, **kw):
    data = {
        "kind": "hidden_danger",
        "region": org["lanshan"].pk,
        "subject": "某加油站",
        "place": "兰山区某路",
        "description": "夜间违规卸油",
    }
    data.update(kw)
    return data


def _exif_jpeg():
    image = Image.new("RGB", (20, 20), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    out.seek(0)
    out.name = "photo.jpg"
    return out


@pytest.mark.parametrize(
    "name", ["public:home", "public:tip_submit", "public:tip_track", "public:disclosure_list"]
)
def test_portal_pages_need_no_login(client, org, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_anonymous_report_through_the_form(client, org):
    response = client.post(
        reverse("public:tip_submit"),
        {**_form(org), "photos": _exif_jpeg(), "name": "不该保存", "phone": "13900000000"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("public:tip_received")
    code = client.get(response["Location"]).context["code"]
    tip = Tip.objects.get()
    assert (
        not tip.is_real_name and tip.identity_ciphertext is None
    )  # typed identity without opting in is dropped
    assert b"SecretCam" not in TipPhoto.objects.get().file.read()
    tracked = client.post(reverse("public:tip_track"), {"code": code})
    assert tracked.context["tip"] == tip and "已受理" in tracked.content.decode()


def test_a_refresh_after_filing_files_nothing_and_shows_the_code_no_more(client, org):
    response = client.post(reverse("public:tip_submit"), _form(org), follow=True)
    code = response.context["code"]
    assert code and code in response.content.decode()
    assert response.redirect_chain == [(reverse("public:tip_received"), 302)]
    again = client.get(reverse("public:tip_received"))  # the browser's refresh re-requests the answer page
    assert again.status_code == 200 and again.context["code"] is None
    assert code not in again.content.decode() and "无需重复提交" in again.content.decode()
    assert Tip.objects.count() == 1


def test_a_forged_receipt_shows_no_code(client, org):
    client.cookies["anze_tip_receipt"] = "ABCD-EFGH"
    assert client.get(reverse("public:tip_received")).context["code"] is None


def test_sign_in_page_links_to_the_public_portal(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("public:home")}"' in html


def test_real_name_report_through_the_form(client, org):
    client.post(
        reverse("public:tip_submit"),
        {**_form(org), "real_name": "on", "name": "王五", "phone": "13912345678"},
    )
    tip = Tip.objects.get()
    assert tip.is_real_name and b"13912345678" not in bytes(tip.identity_ciphertext)


def test_form_refuses_a_disguised_file(client, org):
    fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    fake.name = "photo.jpg"
    response = client.post(reverse("public:tip_submit"), {**_form(org), "photos": fake})
    assert response.status_code == 400 and Tip.objects.count() == 0


def test_form_rate_limited_with_429(client, org, settings):
    settings.ANZE_PUBLIC_TIPS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("public:tip_submit"), _form(org)).status_code == 302
    response = client.post(reverse("public:tip_submit"), _form(org))
    assert response.status_code == 429 and Tip.objects.count() == 2


def test_tip_list_scope_and_identity_access(client, signed_in, org, alice, bob, charlie, dave):
    lanshan, _ = submit_tip(
        kind="violation",
        region=org["lanshan"],
        subject="兰山某厂",
        place="p",
        description="d",
        identity={"name": "甲", "phone": "13912345678"},
    )
    luozhuang, _ = submit_tip(
        kind="violation", region=org["luozhuang"], subject="罗庄某厂", place="p", description="d"
    )
    assign_tip(actor=alice, tip=luozhuang, unit=org["luozhuang_emergency"])
    url = reverse("tips:tip_list")
    body = signed_in(bob).get(url).content.decode()
    assert "兰山某厂" in body and "罗庄某厂" not in body
    assert signed_in(bob).post(reverse("tips:tip_identity", args=[lanshan.public_id])).status_code == 404
    client.logout()
    body = signed_in(charlie).get(url).content.decode()
    assert "罗庄某厂" in body and "兰山某厂" not in body
    client.logout()
    response = signed_in(alice).post(reverse("tips:tip_identity", args=[lanshan.public_id]))
    assert response.status_code == 200 and "139****5678" in response.content.decode()
    assert AuditEvent.objects.filter(action="public.read_identity", success=True).count() == 1
    client.logout()
    assert signed_in(dave).post(reverse("tips:tip_identity", args=[lanshan.public_id])).status_code == 404


def test_enterprise_user_sees_no_tips(client, signed_in, org, lanshan_enterprise):
    from anze.accounts.roles import Role
    from anze.enterprises.models import EnterpriseMembership
    from conftest import make_user

    submit_tip(kind="violation", region=org["lanshan"], subject="兰山化工", place="p", description="d")
    user = make_user("ent", (Role.ENTERPRISE, {}))
    EnterpriseMembership.objects.create(user=user, enterprise=lanshan_enterprise)
    assert "兰山化工" not in signed_in(user).get(reverse("tips:tip_list")).content.decode()


def test_disclosure_only_for_major_and_public(client, signed_in, alice, lanshan_enterprise):
    from anze.prevention.tests.factories import report

    major = report(lanshan_enterprise, alice, grade="major", title="液氨泄漏风险")
    response = signed_in(alice).post(
        reverse("tips:disclosure_create", args=[major.public_id]),
        {"title": "典型重大隐患：液氨", "body": "某企业液氨储罐无检测报警。"},
    )
    assert response.status_code == 302
    client.logout()
    assert "典型重大隐患：液氨" in client.get(reverse("public:disclosure_list")).content.decode()
    general = report(lanshan_enterprise, alice, title="一般的")
    assert (
        signed_in(alice).get(reverse("tips:disclosure_create", args=[general.public_id])).status_code == 404
    )


def test_the_office_picks_the_original_of_a_duplicate_by_its_reference(client, signed_in, org, alice):
    first, _ = submit_tip(kind="violation", region=org["lanshan"], subject="兰山某厂", place="甲路", description="d")
    other, _ = submit_tip(kind="violation", region=org["luozhuang"], subject="罗庄某厂", place="乙路", description="d")
    second, _ = submit_tip(kind="violation", region=org["lanshan"], subject="兰山某厂", place="甲路", description="d2")
    page = signed_in(alice).get(reverse("tips:tip_detail", args=[second.public_id]))
    html = page.content.decode()
    assert second.reference in html and str(second.public_id) not in html.split("<form")[0]
    offered = list(page.context["duplicate_form"].fields["original"].queryset)
    assert offered == [first]  # same county, earlier, still standing; not itself, not another county's
    assert f'value="{first.public_id}"' in html and first.reference in html

    refused = client.post(reverse("tips:tip_duplicate", args=[second.public_id]), {"original": other.public_id})
    assert refused.status_code == 302
    second.refresh_from_db()
    assert second.duplicate_of is None

    client.post(reverse("tips:tip_duplicate", args=[second.public_id]), {"original": first.public_id})
    second.refresh_from_db()
    assert second.duplicate_of == first
    assert first.reference in client.get(reverse("tips:tip_detail", args=[second.public_id])).content.decode()


def test_a_tip_reference_reads_as_a_number_of_its_year(org):
    tip, _ = submit_tip(kind="violation", region=org["lanshan"], subject="s", place="p", description="d")
    assert tip.reference == f"JB{tip.created_at:%Y}-{tip.pk:06d}"
