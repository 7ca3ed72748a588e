"""安徽 滁州市天长市水利局 项目支出绩效自评表（2022年度）：水旱灾害防御经费.

Source: page “天长市水利局水旱灾害防御股项目支出绩效自评”, 发布时间 2023-12-05 15:04, on the
天长市 government site. The search tool returned this page's text (seen in full through 总分) but
NOT its address; the address is therefore unknown here — see samples/field/SOURCES.md.
The form is the 财政部 template filled in: the 一级指标 cells print only their weight, “(50分)” and
“(30分)” (the names are missing in the published text), every 二级 block keeps the template's
placeholder rows “指标2:” and “……”, most lines have no 年度指标值/实际完成值 (the target is in the
indicator's name, e.g. “年度资金支付完成率100%”), and the 生态效益 line is “指标1:/ / /”.
Transcription notes: the page's text has no cell borders. In the 年度资金总额 row the five printed
figures 880 880 880 10 10 are read as 年初预算数, 全年预算数, 全年执行数, 分值 and 得分 with 执行率 empty
(the 其中 rows print “- -” in the 分值 and 得分 columns, as the template does); in the 生态效益 row the two
“/” after “指标1:/” are placed under 年度指标值 and 实际完成值. Line breaks inside narrow cells
(“经济效益\\n指标”) are joined.
"""

SOURCE = None  # not returned by the search tool (see the module docstring)
PAGE_TITLE = "天长市水利局水旱灾害防御股项目支出绩效自评（发布时间：2023-12-05 15:04）"
PROVINCE = "安徽"
UNIT = "天长市水利局"
YEAR = 2022
FILE = "anhui-tianchang-2022-flood-control.xlsx"
SHEET = "项目支出绩效自评表"
FRAME_FROM = 3
WIDTHS = [10, 10, 14, 32, 10, 10, 8, 8, 20]

ROWS = [
    ["项目支出绩效自评表"] + [None] * 8,
    ["(2022年度)"] + [None] * 8,
    ["项目名称", None, "水旱灾害防御经费"] + [None] * 6,
    ["主管部门", None, None, None, None, "实施单位", None, "天长市水利局", None],
    ["项目资金 (万元)", None, "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分", None],
    [None, "年度资金总额:", "880", "880", "880", "10", None, "10", None],
    [None, "其中:本年财政拨款", "880", "880", "880", "-", None, "-", None],
    [None, "上年结转资金", None, None, None, "-", None, "-", None],
    [None, "其他资金", None, None, None, "-", None, "-", None],
    ["年度总体目标完成情况", "预期目标", None, None, None, "实际完成情况", None, None, None],
    [None, "完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。", None, None, None, "完成年度目标。",
     None, None, None],
    ["年度绩效指标完成情况", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [None, "(50分)", "数量指标", "指标1:完成中型灌区节水改造项目数量", "1", "1", "10", "10", None],
    [None, None, None, "指标2:完成农业综合水价改革项目", "1", "1", "10", "10", None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "质量指标", "指标1:工程质量合格", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "时效指标", "指标1:年度资金支付完成率100%", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "成本指标", "指标1:资金执行在预算范围内", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, "(30分)", "经济效益指标", "指标1:全市安全度汛", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "社会效益指标", "指标1:保护全市人口财产不受损失", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "生态效益指标", "指标1:/", "/", "/", None, None, None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, None, "可持续影响指标", "指标1:已建工程良性运行", None, None, "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    [None, "满意度指标 (10分)", "服务对象满意度指标", "指标1:服务对象满意度", "90%", "100%", "10", "10", None],
    [None, None, None, "指标2:", None, None, None, None, None],
    [None, None, None, "……", None, None, None, None, None],
    ["总分", None, None, None, None, None, "100", "100", None],
]

MERGES = [
    "A1:I1", "A2:I2", "A3:B3", "C3:I3", "A4:B4", "C4:E4", "F4:G4", "H4:I4",
    "A5:A9", "H5:I5", "H6:I6", "H7:I7", "H8:I8", "H9:I9",
    "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11",
    "A12:A39",
    "B13:B24", "C13:C15", "C16:C18", "C19:C21", "C22:C24",
    "B25:B36", "C25:C27", "C28:C30", "C31:C33", "C34:C36",
    "B37:B39", "C37:C39",
    "A40:F40",
]
