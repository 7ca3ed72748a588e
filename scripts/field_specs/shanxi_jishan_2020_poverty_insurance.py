"""山西 运城市稷山县医疗保障局 稷山县项目支出绩效自评表（2020年度）：建档立卡个人缴费县级配套资金.

Source: https://keke.chddh.cn/archives/bqg98jldqdz7y2xm7pe6.html — a document site that republishes
the county's workbook “建档立卡个人缴费县级配套绩效自评表.xlsx” as extracted text. Seen in full
(through 总分 100 / 94) in the search tool's excerpt of that page.
The form is the 财政部 template. The extracted text lists the cells out of order (labels and values
of merged cells interleaved), so the cells were placed by the template's layout; every value is as
printed. The 年度资金总额 and 当年财政拨款 rows print two amounts (65.66, 65.07) under three amount
headings; they are written under 全年预算数 and 全年执行数 (年初预算数 empty) — the rate (99%) and the
score do not depend on which. Line breaks inside narrow cells are joined (“基本性 解决” → “基本性解决”).
The printed scores fall short of the rules without any stated reason except on 全县参合人数.
"""

SOURCE = "https://keke.chddh.cn/archives/bqg98jldqdz7y2xm7pe6.html"
PROVINCE = "山西"
UNIT = "稷山县医疗保险服务中心"
YEAR = 2020
FILE = "shanxi-jishan-2020-poverty-insurance.xlsx"
SHEET = "项目支出绩效自评表"
FRAME_FROM = 3
WIDTHS = [10, 12, 14, 30, 10, 10, 8, 8, 24]

ROWS = [
    ["稷山县项目支出绩效自评表"] + [None] * 8,
    ["(2020年度)"] + [None] * 8,
    ["项目名称", None, "建档立卡个人缴费县级配套资金"] + [None] * 6,
    ["主管部门", None, "稷山县医疗保障局", None, None, "实施单位", None, "稷山县医疗保险服务中心", None],
    ["项目资金 (万元)", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None],
    [None, "年度资金总额", None, "65.66", "65.07", "10", "99%", "9", None],
    [None, "其中:当年财政拨款", None, "65.66", "65.07", "—", "99%", "—", None],
    [None, "上年结转资金", None, None, None, "—", None, "—", None],
    [None, "其他资金", None, None, None, "—", None, "—", None],
    ["年度总体目标", "预期目标", None, None, None, "实际完成情况", None, None, None],
    [None, "提高医疗保障水平,推进因病致贫问题的根本性解决", None, None, None,
     "提高医疗保障水平,推进了因病致贫问题的基本性解决", None, None, None],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    [None, "产出指标(50分)", "数量指标", "指标1:全县参合人数", "8755", "8676", "15", "13",
     "建档立卡中有新增死亡人员,导致有偏差"],
    [None, None, "质量指标", "指标1:资金是否全部纳入医保统筹", "100%", "100%", "15", "15", None],
    [None, None, "时效指标", "指标1:资金是否全部及时纳入", "100%", "100%", "10", "10", None],
    [None, None, "成本指标", "指标1:配套资金每人每年", "75元", "75元", "10", "10", None],
    [None, "效益指标(30分)", "社会效益", "指标1:是否解决建档立卡人员看病难贵问题", "95%", "95%", "30", "27", None],
    [None, "满意度指标(10分)", "服务对象满意度指标", "指标1:是否满意", "95%", "95%", "10", "9", None],
    ["总分", None, None, None, None, None, "100", "94", None],
]

MERGES = [
    "A1:I1", "A2:I2", "A3:B3", "C3:I3", "A4:B4", "C4:E4", "F4:G4", "H4:I4",
    "A5:A9", "H5:I5", "H6:I6", "H7:I7", "H8:I8", "H9:I9",
    "A10:A11", "B10:E10", "F10:I10", "B11:E11", "F11:I11",
    "A12:A18", "B13:B16", "A19:F19",
]
