"""四川 德阳市中江县水利局 绩效目标自评表（2022年度）：小型水库水标尺制作安装（衔接资金项目）.

Source: https://chacewang.com/newsdetail/news242266.html — a republication of the county's notice
“中江县2022年衔接资金实施项目绩效目标自评” (意见收集人 罗娟, 0838-7211924), with the table
“附件:2022年财政衔接资金实施项目绩效自评表” as run-together text. Seen in full (through 总分) in the
search tool's excerpt of that page; the notes under the table (“注:1.一级指标分值统一设置为…”) are cut
off in the excerpt and are not transcribed.
Layout: the 分值 column comes before 年度指标值 (the quirk of this form). The indicator weights add up to
100 (产出70 + 效益20 + 满意度10) and the budget line carries another 10; 总分 prints 100 / 100.
Transcription notes: the run-together text gives no cell borders, so cell boundaries were recovered by
the form's column order; the split between 年初设定目标 and 年度总体目标完成情况综述 is a best reading
(the two sentences repeat). The placeholder row “……” after the 满意度 line is kept as printed.
"""

SOURCE = "https://chacewang.com/newsdetail/news242266.html"
PROVINCE = "四川"
UNIT = "中江县水利局"
YEAR = 2022
FILE = "sichuan-zhongjiang-2022-water-gauge.xlsx"
SHEET = "绩效目标自评表"
FRAME_FROM = 3
WIDTHS = [8, 14, 14, 28, 8, 12, 12, 8, 20]

ROWS = [
    ["绩效目标自评表"] + [None] * 8,
    ["(2022年度)"] + [None] * 8,
    ["项目名称", None, "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装", None, None,
     "项目负责人及电话", None, "谢凯13990260322(办公)", None],
    ["主管部门", None, "中江县水利局", None, None, "实施单位", None, "中江县水利局", None],
    ["资金情况(万元)", None, None, "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分", None],
    [None, None, "年度资金总额:", "20", "20", "10", "100.00%", "10", None],
    [None, None, "其中:本年财政拨款", "20", "20", None, None, None, None],
    [None, None, "其他资金", None, None, None, None, None, None],
    ["年度总体目标", None, "年初设定目标", None, None, "年度总体目标完成情况综述", None, None, None],
    [None, None, "对农村地区供水计量设施设备进行改进,对项目区农业用水计量,为项目区农业生产夯实基础,", None, None,
     "对项目区农业用水计量,为项目区农业生产夯实基础,", None, None, None],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
     "未完成原因及拟采取的改进措施"],
    [None, "产出指标(70分)", "数量指标", "安装坡面水标尺", "10", "≥266米", "≥266米", "10", None],
    [None, None, None, "水标尺宽度", "10", "≥50厘米", "≥50厘米", "10", None],
    [None, None, "质量指标", "项目(工程)验收合格率", "20", "100%", "100%", "20", None],
    [None, None, "时效指标", "及时(按期)开工率", "10", "≥90%", "≥90%", "10", None],
    [None, None, None, "及时(按期)完工率", "10", "≥90%", "≥90%", "10", None],
    [None, None, "成本指标", "项目计划总投资", "10", "20万元", "20万元", "10", None],
    [None, "效益指标(20分)", "经济效益指标", None, None, None, None, None, None],
    [None, None, "社会效益指标", "受益脱贫(含监测对象)户人口数", "10", "≥1000人", "≥1000人", "10", None],
    [None, None, None, "群众生产生活条件改善状况", "10", "显著提升", "显著提升", "10", None],
    [None, "满意度指标(10分)", "服务对象满意度指标", "受益脱贫(含监测对象)户满意度", "10", "≥95%", "≥95%", "10", None],
    [None, None, "……", None, None, None, None, None, None],
    ["总分", None, None, None, "100", None, None, "100", None],
]

MERGES = [
    "A1:I1", "A2:I2", "A3:B3", "C3:E3", "F3:G3", "H3:I3", "A4:B4", "C4:E4", "F4:G4", "H4:I4",
    "A5:B8", "H5:I5", "H6:I6", "H7:I7", "H8:I8",
    "A9:B10", "C9:E9", "F9:I9", "C10:E10", "F10:I10",
    "A11:A22", "B12:B17", "C12:C13", "C15:C16", "B18:B20", "C19:C20", "B21:B22",
    "A23:D23", "F23:G23",
]
