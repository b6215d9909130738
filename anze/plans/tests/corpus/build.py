"""Write the corpus's .docx and .pdf documents from the sources below (python-docx, reportlab).

The files are committed; run `python anze/plans/tests/corpus/build.py` after changing a source here.
Each document's gold file (`<name>.gold.json`) is written by hand beside it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent

# A block is a paragraph (str) or a table: {"rows": [[cell, …], …], "merge": [(row, col, row2, col2), …]}.
# An empty cell inside a merge range is covered by the merged cell.
DOCX: dict[str, list] = {
    "d01-shaanxi-merged-leader-cells": [
        "西安市2021年安全生产重点工作任务分工表",
        "（按照“谁牵头、谁负责”的原则推进落实）",
        {
            "rows": [
                ["序号", "重点工作", "责任领导", "牵头单位", "配合单位", "完成时限"],
                [
                    "1",
                    "开展危险化学品重大危险源企业专项检查",
                    "高建平",
                    "市应急管理局",
                    "市公安局、市生态环境局",
                    "2021年6月底前",
                ],
                ["2", "推进化工企业自动化控制系统改造", "", "", "市工信局", "2021年10月底前"],
                [
                    "3",
                    "开展油气输送管道隐患整治",
                    "",
                    "市发改委",
                    "市应急管理局、市自然资源和规划局",
                    "2021年12月底前",
                ],
                ["4", "开展高层建筑消防安全专项治理", "孟庆华", "市消防救援支队", "市住建局", "长期坚持"],
                ["5", "开展电动自行车火灾防控专项行动", "", "", "市公安局、市市场监管局", "持续推进"],
            ],
            "merge": [(1, 2, 3, 2), (1, 3, 2, 3), (4, 2, 5, 2), (4, 3, 5, 3)],
        },
    ],
    "d02-liaoning-repeated-header": [
        "沈阳市2021年自建房安全隐患排查整治任务清单",
        {
            "rows": [
                ["序号", "任务内容", "责任单位", "完成时间"],
                ["一、排查摸底", "一、排查摸底", "一、排查摸底", "一、排查摸底"],
                [
                    "1",
                    "全面摸清城乡自建房底数，建立排查台账",
                    "市住房城乡建设局、各区县（市）政府",
                    "2021年7月底前",
                ],
                ["2", "对经营性自建房开展结构安全鉴定", "市住房城乡建设局", "2021年9月底前"],
                ["序号", "任务内容", "责任单位", "完成时间"],
                ["二、整治提升", "二、整治提升", "二、整治提升", "二、整治提升"],
                ["3", "对存在严重安全隐患的自建房立即停止使用", "各区县（市）政府", "即查即改"],
                ["4", "依法查处违法违规建设行为", "市自然资源局、市城市管理执法局", "长期坚持"],
            ],
            "merge": [(1, 0, 1, 3), (5, 0, 5, 3)],
        },
    ],
    "d03-jilin-paragraph-labels": [
        "长春市2021年消防安全重点工作任务分工",
        "一、夯实消防安全责任",
        "1.将消防工作纳入政府目标责任考核，每半年召开一次消防工作联席会议。",
        "牵头单位：市消防救援支队配合单位：市政府督查室、市委组织部",
        "2.推进消防安全网格化管理，乡镇（街道）设立消防工作站。",
        "责任单位：各县（市）区政府 完成时限：2021年9月底前",
        "二、整治突出火灾隐患",
        "3.开展人员密集场所消防安全专项治理。",
        "牵头单位：市消防救援支队",
        "配合单位：市商务局、市文广旅局、市教育局",
        "4.开展老旧小区消防设施改造，畅通消防车通道。",
        "牵头单位：市住房保障和房屋管理局 配合单位：市公安局、市城管执法局",
    ],
    "d04-guangxi-category-column": [
        "南宁市2021年安全生产专项整治重点任务清单",
        {
            "rows": [
                ["类别", "序号", "任务措施", "牵头部门", "配合部门"],
                [
                    "危险化学品",
                    "1",
                    "开展危险化学品企业安全生产标准化建设",
                    "市应急管理局",
                    "市工业和信息化局",
                ],
                ["", "2", "推进危险化学品运输车辆定位监控", "市交通运输局", "市公安局"],
                ["道路交通", "1", "开展临水临崖路段安全防护设施建设", "市交通运输局", "市公安局交警支队"],
                ["", "2", "整治货车非法改装和超限超载", "市公安局交警支队", "市交通运输局、市市场监管局"],
                ["城乡建设", "1", "开展城市桥梁隧道安全检测", "市住房城乡建设局", "市城管局"],
            ],
            "merge": [(1, 0, 2, 0), (3, 0, 4, 0)],
        },
    ],
    "d05-hainan-two-row-header": [
        "海口市旅游安全工作责任分工表",
        {
            "rows": [
                ["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
                ["", "", "牵头单位", "配合单位", ""],
                [
                    "1",
                    "开展A级旅游景区安全隐患排查",
                    "市旅游和文化广电体育局",
                    "市应急管理局、市消防救援支队",
                    "2021年4月底前",
                ],
                ["2", "加强旅游包车安全管理", "市交通运输局", "市旅游和文化广电体育局", "长期坚持"],
                [
                    "3",
                    "规范水上旅游项目安全管理",
                    "市旅游和文化广电体育局",
                    "海口海事局、市水务局",
                    "2021年6月底前",
                ],
                [
                    "4",
                    "加强节假日旅游市场安全监管",
                    "市旅游和文化广电体育局",
                    "市公安局、市市场监督管理局",
                    "每年节假日",
                ],
            ],
            "merge": [(0, 2, 0, 3), (0, 0, 1, 0), (0, 1, 1, 1), (0, 4, 1, 4)],
        },
    ],
    "d06-chongqing-subitems-sentences": [
        "重庆市渝北区2021年防范化解重大安全风险工作方案",
        "一、主要任务",
        "（一）防范化解危险化学品安全风险。",
        "1.开展危险化学品企业风险评估，实行分级管控。",
        "2.推进化工园区封闭化管理。",
        "3.开展危险化学品运输车辆专项检查。",
        "由区应急局牵头，区经济信息委、区交通局配合，各镇街负责落实。",
        "（二）防范化解城市运行安全风险。",
        "1.开展高层建筑消防安全评估。区消防救援支队牵头，区住房城乡建委配合。",
        "2.推进城市桥梁隧道结构安全监测。区城市管理局负责。",
        "（三）防范化解自然灾害风险。加强地质灾害隐患点监测预警，落实避险转移措施。区规划自然资源局会同区应急局、区水利局负责。",
    ],
    "d07-weifang-multiline-cells": [
        "潍坊市2021年城镇燃气安全整治任务分工表",
        {
            "rows": [
                ["序号", "工作任务", "责任单位", "完成时限"],
                [
                    "1",
                    "全面排查燃气管道隐患\n建立隐患整改台账",
                    "牵头：市城市管理局\n配合：市住房城乡建设局、市市场监管局",
                    "2021年6月底前",
                ],
                [
                    "2",
                    "整治餐饮场所用气安全",
                    "牵头：市市场监管局\n配合：市商务局\n责任：各县市区政府",
                    "2021年9月底前",
                ],
                ["3", "加强燃气从业人员培训", "市城市管理局\n市人力资源社会保障局", "每半年"],
            ],
        },
    ],
}

PDF: dict[str, list] = {
    "p01-qinghai-wrapped-paragraphs": [
        "西宁市2021年安全生产领域“打非治违”专项行动方案",
        "为严厉打击安全生产领域非法违法行为，有效防范遏制各类生产安全事故，结合我市实际，制定本方案。",
        "一、重点任务",
        "（一）严厉打击矿山领域非法违法行为。重点打击无证开采、越界开采、以探代采等行为，对存在重大隐患的矿山企业依法停产整顿。（牵头单位：市应急管理局；配合单位：市自然资源和规划局、市公安局）",
        "（二）严厉打击危险化学品领域非法违法行为。重点打击非法生产、经营、储存危险化学品行为，严查无证经营加油站点和非法加油车辆。（牵头单位：市应急管理局；配合单位：市商务局、市市场监管局、市公安局）",
        "（三）严厉打击交通运输领域非法违法行为。重点整治客运车辆超员、货运车辆超限超载、疲劳驾驶等行为，加大道路运输企业执法检查力度。（牵头单位：市公安局；配合单位：市交通运输局）",
        "（四）严厉打击建筑施工领域非法违法行为。重点打击无资质施工、违法分包转包等行为，严格施工现场安全管理。（牵头单位：市住房和城乡建设局；配合单位：各区人民政府）",
        "二、工作要求",
        "各单位要加强组织领导，于每月5日前报送上月工作进展情况。",
    ],
    "p02-xinjiang-table": [
        "乌鲁木齐市2021年冬春季安全防范重点工作任务清单",
        {
            "rows": [
                ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
                ["1", "开展供暖锅炉房安全检查", "市建设局（人防办）", "各区（县）人民政府", "2021年10月底前"],
                ["2", "加强冬季道路交通安全管理", "市公安局", "市交通运输局", "长期坚持"],
                ["3", "做好雪灾应急处置准备", "市应急管理局", "市城市管理局（行政执法局）", "2021年11月底前"],
                ["4", "开展人员密集场所消防检查", "市消防救援支队", "市商务局、市教育局", "每月"],
            ],
            "widths": [40, 200, 110, 110, 80],
        },
    ],
    "p03-ningxia-labels-run-together": [
        "银川市2021年工贸行业安全生产重点工作任务",
        "1.开展粉尘涉爆企业专项治理，督促企业落实粉尘清扫制度。",
        "牵头单位：市应急管理局配合单位：各县（市）区人民政府 完成时限：2021年8月底前",
        "2.开展有限空间作业专项整治，推广有限空间作业安全技术。",
        "牵头单位：市应急管理局配合单位：市工业和信息化局、市住房和城乡建设局",
        "3.推进冶金企业煤气系统安全改造。",
        "责任单位：市工业和信息化局 完成时限：2021年12月底前",
        "4.开展工贸企业安全生产标准化建设。",
        "牵头单位：市应急管理局 配合单位：市市场监督管理局、市总工会",
    ],
    "p04-tianjin-long-table": [
        "天津市滨海新区2021年安全生产重点工作任务分工",
        {
            "rows": [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]]
            + [
                [str(i + 1), text, lead, support, due]
                for i, (text, lead, support, due) in enumerate(
                    [
                        (
                            "开展危险化学品港区安全整治",
                            "区应急局",
                            "区交通运输局、天津海事局",
                            "2021年6月底前",
                        ),
                        (
                            "推进化工园区安全风险智能化管控平台建设",
                            "区应急局",
                            "区工业和信息化局",
                            "2021年12月底前",
                        ),
                        ("开展海上石油平台安全检查", "区应急局", "天津海事局", "每季度"),
                        ("开展建筑施工高处坠落事故专项治理", "区住房建设委", "各街镇", "长期坚持"),
                        ("加强城市燃气管网巡查", "区城市管理委", "区住房建设委", "每月"),
                        ("开展特种设备隐患排查", "区市场监管局", "各街镇", "2021年9月底前"),
                        ("开展道路运输企业安全评估", "区交通运输局", "区公安局", "2021年10月底前"),
                        ("加强学校安全管理", "区教体局", "区公安局、区卫生健康委", "每学期"),
                        ("开展旅游景区安全检查", "区文化和旅游局", "区应急局", "节假日前"),
                        ("加强养老机构消防安全管理", "区民政局", "区消防救援支队", "长期坚持"),
                        ("开展电力设施安全检查", "国网天津滨海供电公司", "区发展改革委", "每年汛前"),
                        ("开展农业机械安全检查", "区农业农村委", "各街镇", "2021年5月底前"),
                        ("开展渔业船舶安全检查", "区农业农村委", "天津海事局、区公安局", "每年伏季休渔期"),
                        ("加强医疗机构安全管理", "区卫生健康委", "区消防救援支队", "长期坚持"),
                        ("开展商场超市消防安全检查", "区商务局", "区消防救援支队", "每季度"),
                        ("推进安全生产责任保险", "区应急局", "区金融局", "2021年12月底前"),
                        ("开展安全生产执法检查", "区应急局", "各街镇", "长期坚持"),
                        ("开展安全生产宣传教育", "区委宣传部", "区应急局", "持续推进"),
                    ]
                )
            ],
            "widths": [40, 220, 100, 120, 70],
            "repeat_header": True,
            "font": 16,
        },
    ],
    "p05-shanghai-sentences": [
        "上海市浦东新区2021年城市安全风险防控工作要点",
        "一、加强城市运行安全管理",
        "1.推进城市运行“一网统管”建设，完善城市运行安全风险监测体系。区城运中心牵头，区应急局、区科经委配合，各街镇负责落实。",
        "2.开展超高层建筑安全管理，建立超高层建筑安全档案。区建交委会同区消防救援支队、区应急局负责。",
        "二、加强重点行业安全监管",
        "3.开展危险化学品企业安全风险分级管控。区应急局牵头，区生态环境局参与。",
        "4.加强轨道交通运营安全管理，每月开展一次隐患排查。区建交委牵头，区公安分局配合。",
        "5.开展校园周边交通安全整治。区教育局、区公安分局按职责分工负责。",
    ],
}


def write_docx(name: str, blocks: list) -> None:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        rows = block["rows"]
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                # A cell with several lines holds several paragraphs, as Word writes them.
                first, *more = value.split("\n")
                table.cell(r, c).text = first
                for line in more:
                    table.cell(r, c).add_paragraph(line)
        for r1, c1, r2, c2 in block.get("merge", []):
            text = table.cell(r1, c1).text
            merged = table.cell(r1, c1).merge(table.cell(r2, c2))
            merged.text = text
    # Fixed document properties: no build date or machine user in them.
    document.core_properties.author = "anze tests"
    document.core_properties.created = document.core_properties.modified = datetime(2021, 1, 1)
    document.core_properties.last_modified_by = "anze tests"
    document.core_properties.revision = 1
    document.save(HERE / f"{name}.docx")


def write_pdf(name: str, blocks: list) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    story = []
    for block in blocks:
        if isinstance(block, str):
            style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
            story.append(Paragraph(block, style))
            continue
        size = block.get("font", 10)
        style = ParagraphStyle(
            "cell", fontName="STSong-Light", fontSize=size, leading=size + 4, wordWrap="CJK"
        )
        rows = [[Paragraph(cell, style) for cell in row] for row in block["rows"]]
        table = Table(rows, colWidths=block.get("widths"), repeatRows=1 if block.get("repeat_header") else 0)
        table.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
        )
        story.append(table)

    def page_number(canvas, doc) -> None:
        canvas.setFont("Helvetica", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    document = SimpleDocTemplate(str(HERE / f"{name}.pdf"), pagesize=A4, title=name, invariant=1)
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)


def main(names: list[str]) -> None:
    """Write every document, or only those named."""
    for name, blocks in DOCX.items():
        if not names or name in names:
            write_docx(name, blocks)
    for name, blocks in PDF.items():
        if not names or name in names:
            write_pdf(name, blocks)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
