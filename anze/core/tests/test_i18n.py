"""English through Django i18n: the catalogue is complete, and pages follow Accept-Language or the language cookie."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

# Source strings that must translate, with their English.
KEY_MSGIDS = {
    "安责": "Anze",
    "首页": "Home",
    "工作台": "Workbench",
    "登录": "Sign in",
    "用户名": "Username",
    "密码": "Password",
    "退出登录": "Sign out",
    "修改密码": "Change password",
    "安委会办公室": "Safety Committee Office",
    "牵头领导": "Lead leader",
    "责任单位": "Responsible unit",
    "配合单位": "Supporting unit",
    "督办": "Supervision",
    "双重预防": "Dual prevention",
    "条款": "Clause",
    "任务": "Task",
    "方案": "Plan",
    "审计日志": "Audit log",
    "单位": "Units",
    "语言": "Language",
}


def _po_entries(path: Path) -> list[dict]:
    """A small reader for the .po format: one dict per entry with its flags, msgid, msgid_plural and msgstrs."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and ("msgid" in entry):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = value
            else:
                field = keyword
                entry[keyword] = value
    close()
    return entries


def test_catalogue_is_complete_and_not_fuzzy():
    entries = _po_entries(LOCALE / "django.po")
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "nplurals=2" in header["msgstr"][0]
    assert len(messages) > 1000
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in messages if not all(s.strip() for s in e["msgstr"].values())]
    assert fuzzy == []
    assert empty == []
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals and all(set(e["msgstr"]) == {0, 1} for e in plurals)


def test_compiled_catalogue_translates_key_strings():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    for msgid, english in KEY_MSGIDS.items():
        assert catalogue.gettext(msgid).strip() == english, msgid
    assert catalogue.ngettext("%(n)s 条条款", "%(n)s 条条款", 1) == "%(n)s clause"
    assert catalogue.ngettext("%(n)s 条条款", "%(n)s 条条款", 3) == "%(n)s clauses"


def test_compiled_catalogue_is_current():
    """The .mo holds every message of the .po (someone ran compilemessages after the last edit)."""
    entries = _po_entries(LOCALE / "django.po")[1:]
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    for entry in entries:
        if "msgid_plural" in entry:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr"][1]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_login_page_defaults_to_chinese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-hans"' in html
    assert "用户名" in html and "登录" in html
    assert "Username" not in html


def test_the_browser_language_does_not_override_the_sites(client):
    html = client.get(reverse("accounts:login"), headers={"accept-language": "en"}).content.decode()
    assert 'lang="zh-hans"' in html
    assert "用户名" in html and "Username" not in html


def test_an_english_site_is_english_for_a_chinese_browser(client, settings):
    settings.LANGUAGE_CODE = "en"
    html = client.get(reverse("accounts:login"), headers={"accept-language": "zh-CN,zh;q=0.9"}).content.decode()
    assert 'lang="en"' in html
    assert "Username" in html and "Password" in html and "Sign in" in html
    assert "用户名" not in html and "安全生产责任落实平台" not in html


def test_a_chosen_language_overrides_the_site_and_a_bad_cookie_is_ignored(client):
    client.cookies["django_language"] = "en"
    assert "Username" in client.get(reverse("accounts:login")).content.decode()
    client.cookies["django_language"] = "xx-nonsense"
    assert "用户名" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_set_language_switches_to_english_and_back(client):
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302 and response["Location"] == login
    html = client.get(login).content.decode()
    assert "Username" in html and "用户名" not in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    html = client.get(login).content.decode()
    assert "用户名" in html and "Username" not in html


def test_language_switcher_is_on_public_and_signed_in_pages(client, alice):
    html = client.get(reverse("accounts:login")).content.decode()
    assert f'action="{reverse("set_language")}"' in html and 'name="language"' in html
    client.force_login(alice)
    html = client.get(reverse("core:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert '<option value="en" lang="en">English</option>' in html
    assert '<option value="zh-hans" lang="zh-hans" selected>简体中文</option>' in html


def test_home_and_unit_list_in_english(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "Workbench" in html and "Sign out" in html and "Change password" in html
    assert "Safety Committee Office" in html  # alice's role badge
    assert "工作台" not in html and "退出登录" not in html and "安委会办公室" not in html

    units = client.get(reverse("org:unit_list"), headers={"accept-language": "zh-CN"})
    assert units.status_code == 200
    html = units.content.decode()
    assert "Units" in html and "Home" in html and "Filter" in html
    assert "首页" not in html and "筛选" not in html and "退出登录" not in html


def test_home_and_unit_list_in_chinese_by_default(client, alice):
    client.force_login(alice)
    html = client.get(reverse("core:home")).content.decode()
    assert "工作台" in html and "退出登录" in html
    assert "Workbench" not in html and "Sign out" not in html
    html = client.get(reverse("org:unit_list")).content.decode()
    assert "首页" in html and "单位" in html
    assert "Sign out" not in html


def test_the_empty_choice_of_a_select_is_in_the_sites_words():
    import django

    from anze.enterprises.models import Industry

    label = str(Industry._meta.get_field("category").formfield().choices[0][1])
    assert label != "- Select an option -"
    if django.VERSION >= (6, 1):
        assert label == "请选择"
