"""四川 普惠金融发展专项资金 区域绩效自评表（县级，资金由四川省财政厅提前下达）.

Source: https://www.chacewang.com/newsdetail/news368066.html — a republication (查策网) of a county's
self-evaluation of the 普惠金融发展专项资金; the page text starts with the table and gives neither a
title nor the county's name, so neither is transcribed (the year is not printed either). Seen in full
(through 得分合计 100) in the search tool's excerpt, as run-together text without cell borders.
What this form does: the weights are printed as percentages in a 权重 column (20%, 10%, 5%) with the
points in 得分; the funds block prints amounts with their unit (208万元, 109.8万元) and carries no
budget-execution score at all; the 满意度 actual is itself written with its operator (≥80%).
Transcription notes: cell boundaries were recovered from the form's column order; label and amount
cells of the funds block (“年度金额(提前下达):” | “208万元”, “中央财政” | “165万元”) are split where
the text runs a label into its amount. Sentence-ending commas are kept as the page prints them.
"""

SOURCE = "https://www.chacewang.com/newsdetail/news368066.html"
PROVINCE = "四川"
UNIT = None  # not printed on the page
YEAR = None  # not printed on the page
FILE = "sichuan-2022-inclusive-finance.xlsx"
SHEET = "区域绩效自评表"
FRAME_FROM = 1
WIDTHS = [14, 16, 34, 12, 12, 10, 10]

ROWS = [
    ["专项名称", "普惠金融发展专项资金", None, "省级主管部门", None, "四川省财政厅", None],
    ["资金情况(万元)", "年度金额(提前下达):", "208万元", "资金使用情况(万元)", "合计:", "109.8万元", None],
    [None, "中央财政", "165万元", None, "中央财政", "84.5万元", None],
    [None, "省级财政", "43万元", None, "省级财政", "25.3万元", None],
    ["年度总体目标",
     "目标1:支持农村金融组织体系建设,扩大农村金融服务覆盖面,目标2:支持重点群体和符合条件的小微企业融资发展,"
     "目标3:支持地方因地制宜打造各具特色的普惠金融发展示范区,增强金融普惠性,推动普惠金融高质量发展,",
     None, None, None, None, None],
    ["完成情况",
     "1:支持农村金融组织体系建设,扩大农村金融服务覆盖面,2:支持重点群体和符合条件的小微企业融资发展,"
     "3:支持地方因地制宜打造各具特色的普惠金融发展示范区,增强金融普惠性,推动普惠金融高质量发展,",
     None, None, None, None, None],
    ["绩效目标完成情况", None, None, None, None, None, None],
    ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"],
    ["产出指标", "数量指标", "创业担保贷款发放额增长率", "≥10%", "115.25%", "20%", "20"],
    [None, "质量指标", "创业担保贷款回收率", "≥90%", "98.70%", "20%", "20"],
    [None, None, "资金足额拨付率", "100%", "100%", "10%", "10"],
    [None, None, "地方配套到位率", "100%", "100%", "10%", "10"],
    ["效益指标", "经济效益指标", "创业担保基金放大倍数", "≥2倍", "10倍", "10%", "10"],
    [None, "社会效益指标", "金融机构网点覆盖率", "≥60%", "85%", "10%", "10"],
    ["满意度指标", "服务对象满意度指标", "申请定向费用补贴金融机构满意度", "≥80%", "≥80%", "10%", "10"],
    [None, None, "申报创业担保贷款贴息个人满意度", "≥80%", "100%", "5%", "5"],
    [None, None, "申报创业担保贷款贴息小微企业的满意度", "≥80%", "100%", "5%", "5"],
    ["得分合计", None, None, None, None, None, "100"],
]

MERGES = [
    "B1:C1", "D1:E1", "F1:G1",
    "A2:A4", "D2:D4", "F2:G2", "F3:G3", "F4:G4",
    "B5:G5", "B6:G6", "A7:G7",
    "A9:A12", "B10:B12", "A13:A14", "A15:A17", "B15:B17",
    "A18:F18",
]
