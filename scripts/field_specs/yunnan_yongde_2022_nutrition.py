"""云南 临沧市永德县明朗中学 2022年度项目支出绩效自评表（公开14表）：义务教育营养改善计划专项资金.

Source: https://www.yongde.gov.cn/info/3003/116104.htm (an HTML table on the county site).
Seen in full in the search tool's excerpt of that page. Layout as the page prints it: a two-row
indicator header (绩效指标 over 一级/二级/三级, 年度指标值 over 指标性质/指标值/度量单位), the comparison
in 指标性质 (≧, ═), 其他需要说明事项 and 总分 on one last row with the grade 优.
Transcription notes: the 年度资金总额 row prints only two amounts (387664.62, 387664.62) under three
amount headings; they are written under 全年预算数 and 全年执行数 and 年初预算数 is left empty (the
rate and score do not depend on which). Dashes in the fund rows are placed in printed order.
"""

SOURCE = "https://www.yongde.gov.cn/info/3003/116104.htm"
PROVINCE = "云南"
UNIT = "临沧市永德县明朗中学"
YEAR = 2022
FILE = "yunnan-yongde-2022-nutrition.xlsx"
SHEET = "项目支出绩效自评表"
FRAME_FROM = 3
WIDTHS = [10, 14, 24, 8, 10, 8, 12, 8, 8, 20]

ROWS = [
    ["2022年度项目支出绩效自评表"] + [None] * 9,
    ["部门:临沧市永德县明朗中学", None, None, None, None, None, None, None, None, "公开14表"],
    ["项目名称", None, "义务教育营养改善计划专项资金", None, None, None, None, None, None, None],
    ["主管部门", None, "永德县教育体育局", None, None, "实施单位", None, "永德县明朗中学", None, None],
    ["项目资金 (元)", None, "年初预算数", None, "全年预算数", None, "全年执行数", "分值", "执行率", "得分"],
    [None, "年度资金总额", None, None, "387664.62", None, "387664.62", "10", "100%", "10"],
    [None, "其中:当年财政 拨款", None, None, "387664.62", None, "387664.62", "—", None, "—"],
    [None, "上年结转 资金", None, None, None, None, None, "—", None, "—"],
    [None, "其他资金", "—", None, "—", None, "—", "—", None, "—"],
    ["年度 总体 目标", "预期目标", None, None, None, None, "实际完成情况", None, None, None],
    [None, "确保每一个学生都能享受到国家政策福利,改善学生体质", None, None, None, None,
     "确保每一个学生都能享受到国家政策福利,改善学生体质", None, None, None],
    ["绩效指标", None, None, "年度指标值", None, None, "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", None, None, None, None],
    ["产出指标", "数量指标", "学生受资助人数", "≧", "735", "人次", "735", "10", "10", None],
    [None, "质量指标", "营养改善计划覆盖率", "≧", "100", "%", "100%", "10", "10", None],
    [None, "时效指标", "资金到位及时率", "≧", "100", "%", "100%", "10", "7", None],
    [None, "成本指标", "生均补助标准达标率", "═", "100", "%", "100%", "10", "10", None],
    ["效益指标", "经济效益 指标", "减轻贫困学生家庭经济负担", None, "有效", None, "有效", "10", "10", None],
    [None, "社会效益 指标", "政策知晓率", "═", "100", "%", "98%", "10", "9", None],
    [None, "生态效益 指标", None, None, None, None, None, None, None, None],
    [None, "可持续影响 指标", "促进学校教育事业健康发展", "≧", "100", "%", "100%", "10", "10", None],
    ["满意度指标", "服务对象满意度指标等", "学生满意度", "≧", "95", "%", "100%", "10", "10", None],
    [None, None, "家长满意度", "≧", "95", "%", "100%", "10", "10", None],
    ["其他需要说明事项", None, "无", None, None, None, "总分", "100", "96", "优"],
]

MERGES = [
    "A1:J1", "A2:I2", "A3:B3", "C3:J3", "A4:B4", "C4:E4", "F4:G4", "H4:J4",
    "A5:A9", "C5:D5", "E5:F5", "C6:D6", "E6:F6", "C7:D7", "E7:F7", "C8:D8", "E8:F8", "C9:D9", "E9:F9",
    "A10:A11", "B10:F10", "G10:J10", "B11:F11", "G11:J11",
    "A12:C12", "D12:F12", "G12:G13", "H12:H13", "I12:I13", "J12:J13",
    "A14:A17", "A18:A21", "A22:A23", "B22:B23", "A24:B24", "C24:F24",
]
