"""The Linyi demo organization as plain data (no Django), read by `anze.org.demo`.

Region codes are the real GB/T 2260 codes and the statistical division codes of the city's development
zones. Unit names are the official names as far as we know them, with the short names the 2020 plan
(临沂 办字〔2020〕23号) uses as aliases. Leaders' posts, committee leaderships and group memberships
are plausible demo data, not a statement of fact.
"""

from __future__ import annotations

PROVINCE = ("370000", "山东省", "山东")
CITY = ("371300", "临沂市", "临沂")

# (code, name, is_district): districts' organs carry the city's name (临沂市兰山区人民政府), counties' do not.
COUNTIES = [
    ("371302", "兰山区", True),
    ("371311", "罗庄区", True),
    ("371312", "河东区", True),
    ("371321", "沂南县", False),
    ("371322", "郯城县", False),
    ("371323", "沂水县", False),
    ("371324", "兰陵县", False),
    ("371325", "费县", False),
    ("371326", "平邑县", False),
    ("371327", "莒南县", False),
    ("371328", "蒙阴县", False),
    ("371329", "临沭县", False),
]

# (code, name, short name): statistical division codes of the development zones, level "zone".
ZONES = [
    ("371371", "临沂高新技术产业开发区", "临沂高新区"),
    ("371372", "临沂经济技术开发区", "临沂经开区"),
    ("371373", "临沂临港经济开发区", "临沂临港区"),
]

# Municipal units: (full name, short name, kind, extra aliases). The short name is what the plan writes.
CITY_UNITS = [
    ("中共临沂市委员会", "市委", "party_organ", []),
    ("临沂市人民政府", "市政府", "government", []),
    ("中共临沂市委办公室", "市委办公室", "party_organ", ["市委办"]),
    ("临沂市人民政府办公室", "市政府办公室", "government_department", ["市政府办"]),
    ("中共临沂市委组织部", "市委组织部", "party_organ", []),
    ("中共临沂市委宣传部", "市委宣传部", "party_organ", []),
    ("中共临沂市委政法委员会", "市委政法委", "party_organ", []),
    ("中共临沂市委党校（临沂行政学院）", "市委党校（行政学院）", "party_organ", ["市委党校", "临沂行政学院"]),
    ("临沂市人大常委会办公室", "市人大常委会办公室", "peoples_congress", []),
    ("政协临沂市委员会办公室", "市政协办公室", "cppcc", []),
    ("临沂市中级人民法院", "市法院", "court", ["市中级法院", "临沂中院"]),
    ("临沂市人民检察院", "市检察院", "procuratorate", []),
    ("临沂市发展和改革委员会", "市发展改革委", "government_department", ["市发改委"]),
    ("临沂市教育局", "市教育局", "government_department", []),
    ("临沂市科学技术局", "市科技局", "government_department", []),
    ("临沂市工业和信息化局", "市工业和信息化局", "government_department", ["市工信局"]),
    ("临沂市公安局", "市公安局", "government_department", []),
    ("临沂市民政局", "市民政局", "government_department", []),
    ("临沂市司法局", "市司法局", "government_department", []),
    ("临沂市财政局", "市财政局", "government_department", []),
    ("临沂市人力资源和社会保障局", "市人力资源社会保障局", "government_department", ["市人社局"]),
    ("临沂市自然资源和规划局", "市自然资源和规划局", "government_department", ["市自然资源局"]),
    ("临沂市生态环境局", "市生态环境局", "government_department", []),
    ("临沂市住房和城乡建设局", "市住房城乡建设局", "government_department", ["市住建局"]),
    ("临沂市城市管理局", "市城市管理局", "government_department", ["市城管局"]),
    ("临沂市交通运输局", "市交通运输局", "government_department", ["市交通局"]),
    ("临沂市水利局", "市水利局", "government_department", []),
    ("临沂市农业农村局", "市农业农村局", "government_department", []),
    ("临沂市商务局", "市商务局", "government_department", []),
    ("临沂市文化和旅游局", "市文化和旅游局", "government_department", ["市文旅局"]),
    ("临沂市卫生健康委员会", "市卫生健康委", "government_department", ["市卫健委"]),
    ("临沂市应急管理局", "市应急局", "government_department", ["市应急管理局"]),
    ("临沂市审计局", "市审计局", "government_department", []),
    ("临沂市人民政府国有资产监督管理委员会", "市国资委", "government_department", []),
    ("临沂市市场监督管理局", "市市场监管局", "government_department", []),
    ("临沂市大数据局", "市大数据局", "government_department", []),
    ("临沂市粮食和物资储备局", "市粮食和储备局", "government_department", ["市粮食和物资储备局"]),
    ("临沂市消防救援支队", "市消防救援支队", "vertical_agency", []),
    ("临沂市气象局", "市气象局", "vertical_agency", []),
    ("中国银行保险监督管理委员会临沂监管分局", "临沂银保监分局", "vertical_agency", []),
    ("临沂市总工会", "市总工会", "peoples_organization", []),
    ("共青团临沂市委员会", "团市委", "peoples_organization", []),
    ("临沂市妇女联合会", "市妇联", "peoples_organization", []),
    ("国网山东省电力公司临沂供电公司", "国网临沂供电公司", "state_enterprise", []),
]

# The safety committee's office sits inside 市应急局 (a unit of its own, so it can be assigned work).
COMMITTEE_OFFICE = (
    "临沂市安全生产委员会办公室",
    "市安委会办公室",
    "committee_office",
    ["市安委办"],
    "临沂市应急管理局",
)

# Leaders the plan names. Their posts are demo data, not a statement of fact.
DEMO_NOTE = "演示数据：职务为示意，并非事实陈述。"
LEADERS = [
    # (name, unit full name, post title, portfolio, sort order)
    ("姜仕礼", "中共临沂市委员会", "市委副书记", "", 10),
    ("范连生", "中共临沂市委员会", "市委常委", "组织工作", 20),
    ("王行华", "中共临沂市委员会", "市委常委", "政法工作", 30),
    ("侯晓滨", "临沂市人民政府", "常务副市长", "安全生产、应急管理", 10),
    ("常红军", "临沂市人民政府", "副市长", "交通运输、住房城乡建设", 20),
    ("刘贤军", "临沂市人民政府", "副市长", "工业和信息化、国有资产", 30),
    ("郑连胜", "临沂市人民政府", "副市长", "农业农村、水利、粮食和物资储备", 40),
    ("张玉兰", "临沂市人民政府", "副市长", "教育、文化和旅游、卫生健康", 50),
    ("李登全", "临沂市人民政府", "副市长", "公安、司法", 60),
]
LEADERS_SINCE = "2020-01-01"

# Explicitly listed groups: (name, aliases, description, member short names).
INDUSTRY_DEPARTMENTS = [
    "市教育局",
    "市工业和信息化局",
    "市民政局",
    "市自然资源和规划局",
    "市住房城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化和旅游局",
    "市卫生健康委",
    "市国资委",
    "市粮食和储备局",
]
SUPERVISING_DEPARTMENTS = [
    "市应急局",
    "市工业和信息化局",
    "市公安局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市文化和旅游局",
    "市市场监管局",
    "市消防救援支队",
]
RELATED_DEPARTMENTS = [
    "市财政局",
    "市工业和信息化局",
    "市公安局",
    "市住房城乡建设局",
    "市交通运输局",
    "市农业农村局",
    "市文化和旅游局",
    "市市场监管局",
    "市国资委",
]
EXPLICIT_GROUPS = [
    (
        "市各行业主管部门",
        ["市直各行业主管部门", "各行业主管部门"],
        "负有行业管理职责的市直部门（管行业必须管安全）。",
        INDUSTRY_DEPARTMENTS,
    ),
    (
        "市负有安全生产监管职责的部门",
        ["负有安全生产监管职责的部门", "市负有安全生产监督管理职责的部门"],
        "依法负有安全生产监督管理职责的市直部门。",
        SUPERVISING_DEPARTMENTS,
    ),
    (
        "市有关部门",
        ["市直有关部门"],
        "方案未逐一列明时的有关市直部门（演示用，按事项确定）。",
        RELATED_DEPARTMENTS,
    ),
]
# Rule groups: (name, aliases, rule, description).
RULE_GROUPS = [
    ("各县区党委", ["县区党委"], "county_party_committees", "每个县区的党委。"),
    ("各县区政府", ["县区政府", "各县区人民政府"], "county_governments", "每个县区的人民政府。"),
    ("各开发区党工委、管委会", ["各开发区"], "zone_committees", "每个开发区的党工委、管委会。"),
]
COMMITTEE_GROUPS = [
    (
        "市安委会各成员单位",
        ["市安委会成员单位", "安委会各成员单位"],
        "committee_members",
        "临沂市安全生产委员会的成员单位。",
    ),
    (
        "各专业委员会成员单位",
        ["市安委会各专业委员会成员单位"],
        "specialized_committee_members",
        "市安委会各专业委员会的成员单位。",
    ),
]

SAFETY_COMMITTEE = ("临沂市安全生产委员会", "市安委会", "临沂市应急管理局")
SAFETY_COMMITTEE_LEADERS = [
    ("姜仕礼", "first_director"),
    ("侯晓滨", "director"),
    ("常红军", "deputy_director"),
    ("刘贤军", "deputy_director"),
    ("郑连胜", "deputy_director"),
    ("张玉兰", "deputy_director"),
    ("李登全", "deputy_director"),
]
SAFETY_COMMITTEE_MEMBERS = [
    "市委办公室",
    "市政府办公室",
    "市委组织部",
    "市委宣传部",
    "市委政法委",
    "市发展改革委",
    "市教育局",
    "市科技局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力资源社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化和旅游局",
    "市卫生健康委",
    "市应急局",
    "市审计局",
    "市国资委",
    "市市场监管局",
    "市大数据局",
    "市粮食和储备局",
    "市消防救援支队",
    "市气象局",
    "临沂银保监分局",
    "市总工会",
    "团市委",
    "市妇联",
    "国网临沂供电公司",
]
# (name, short name, office unit short name, first director, members)
SPECIALIZED_COMMITTEES = [
    (
        "危险化学品安全专业委员会",
        "危化品专委会",
        "市应急局",
        "刘贤军",
        [
            "市应急局",
            "市工业和信息化局",
            "市公安局",
            "市生态环境局",
            "市交通运输局",
            "市住房城乡建设局",
            "市商务局",
            "市市场监管局",
            "市消防救援支队",
        ],
    ),
    (
        "道路交通安全专业委员会",
        "道路交通专委会",
        "市公安局",
        "李登全",
        [
            "市公安局",
            "市交通运输局",
            "市住房城乡建设局",
            "市教育局",
            "市农业农村局",
            "市文化和旅游局",
            "市应急局",
            "市市场监管局",
        ],
    ),
    (
        "建筑施工安全专业委员会",
        "建筑施工专委会",
        "市住房城乡建设局",
        "常红军",
        [
            "市住房城乡建设局",
            "市交通运输局",
            "市水利局",
            "市自然资源和规划局",
            "市城市管理局",
            "市发展改革委",
            "市应急局",
        ],
    ),
    (
        "消防安全专业委员会",
        "消防安全专委会",
        "市消防救援支队",
        "李登全",
        [
            "市消防救援支队",
            "市公安局",
            "市教育局",
            "市民政局",
            "市商务局",
            "市文化和旅游局",
            "市卫生健康委",
            "市住房城乡建设局",
            "市应急局",
        ],
    ),
    (
        "特种设备安全专业委员会",
        "特种设备专委会",
        "市市场监管局",
        "刘贤军",
        ["市市场监管局", "市住房城乡建设局", "市交通运输局", "市教育局", "市卫生健康委", "市应急局"],
    ),
    (
        "城镇燃气安全专业委员会",
        "燃气安全专委会",
        "市城市管理局",
        "常红军",
        ["市城市管理局", "市住房城乡建设局", "市市场监管局", "市公安局", "市应急局", "市消防救援支队"],
    ),
]
