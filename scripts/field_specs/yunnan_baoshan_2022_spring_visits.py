"""云南 保山市退役军人事务局 2022年度项目支出绩效自评表（附件1）：春节走访慰问经费.

Source: https://alkalih2o.com/info/7798/9446904.htm — a mirror of the 保山市 government page (the path
info/7798/… is that site's). Seen in full (through 改进措施及结果应用方案) in the search tool's excerpt;
the 备注 under the table is cut off in the excerpt and is not transcribed.
This 保山 form is the 湖北-style one: the budget line is worth 20 (得分 = 20分×执行率), the indicators
carry no 分值 column — only the 一级 cells carry weights (产出指标(60分), 效益指标(10分),
满意度指标(10分)) — and each 一级 block ends with an empty row. A line “附件1” stands above the title.
The ticked boxes print as “R” (a Wingdings check box rendered as text on the page); kept as printed.
"""

SOURCE = "https://alkalih2o.com/info/7798/9446904.htm"
PROVINCE = "云南"
UNIT = "保山市退役军人事务局"
YEAR = 2022
FILE = "yunnan-baoshan-2022-spring-visits.xlsx"
SHEET = "项目支出绩效自评表"
FRAME_FROM = 4
WIDTHS = [14, 14, 14, 40, 12, 12, 10]

ROWS = [
    ["附件1", None, None, None, None, None, None],
    ["2022年度项目支出绩效自评表", None, None, None, None, None, None],
    ["单位名称:保山市退役军人事务局", None, None, None, "填报日期:2023年4月6日", None, None],
    ["项目名称", None, "春节走访慰问经费", None, None, None, None],
    ["主管部门", None, "保山市退役军人事务局", None, "项目实施单位", "保山市退役军人事务局", None],
    ["项目类别", None, "1、部门预算项目 R 2、市直专项 □ 3、市对下转移支付项目 □", None, None, None, None],
    ["项目属性", None, "1、持续性项目 R 2、新增性项目 □", None, None, None, None],
    ["预算执行情况(万元) (20分)", None, "预算数(A)", "执行数(B)", "执行率(B/A)", "得分 (20分*执行率)", None],
    [None, "年度财政资金总额", "34.64", "34.64", "100%", "20", None],
    ["年度绩效目标 (80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"],
    [None, "产出指标(60分)", "数量指标",
     "慰问伤残军人50人;革命烈士遗属50人;因公牺牲和病故军人家属、在乡老复员军人等重点优抚对象50人;"
     "烈士家庭6户;市直企业军转干部101人;驻保部队8家;边海防官兵320人。", "100%", "100%", "20"],
    [None, None, "质量指标", "补助经费足额拨付率", "100%", "100%", "20"],
    [None, None, "时效指标", "春节前完成走访慰问", "按时限完成", "100%", "20"],
    [None, None, None, None, None, None, None],
    [None, "效益指标(10分)", "社会效益指标", "全市重点优抚对象、企业军转干部总体保持稳定,年内无群体性事件发生",
     "小于5次", "无上访", "10"],
    [None, None, None, None, None, None, None],
    [None, "满意度指标(10分)", "服务对象满意度指标", "重点优抚对象、企业军转干部、驻保部队、边海防官兵满意率",
     "100%", "100%", "10"],
    [None, None, None, None, None, None, None],
    ["总分(100分)", None, "100", None, "自评等级", "优", None],
    ["偏差大或 目标未完成 原因分析", None, "无", None, None, None, None],
    ["改进措施及 结果应用方案", None, "无", None, None, None, None],
]

MERGES = [
    "A2:G2", "A3:D3", "E3:G3", "A4:B4", "C4:G4", "A5:B5", "C5:D5", "F5:G5",
    "A6:B6", "C6:G6", "A7:B7", "C7:G7",
    "A8:A9", "F8:G8", "F9:G9",
    "A10:A18", "B11:B14", "B15:B16", "B17:B18",
    "A19:B19", "C19:D19", "F19:G19",
    "A20:B20", "C20:G20", "A21:B21", "C21:G21",
]
