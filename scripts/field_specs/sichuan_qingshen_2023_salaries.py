"""四川 眉山市青神县发展和改革局 部门预算项目支出绩效自评表（2023年度）：工资性支出.

Source: https://www.scqs.gov.cn/info/13206/211004.htm (HTML table on the county site, form
报表编号 510000_0013zp). Seen in full in the search tool's excerpt of that page.
As published the table is unfilled where it matters: the 完成值 and 得分 cells of both indicators are
empty, and so is the budget line's 得分; 合计 prints only the weights (100). The 指标性质 column holds
the comparison (=), 度量单位 is its own column, the budget block is headed 年初预算 / 调整后预算数 /
预算执行数 / 预算执行率 / 权重, and a 报表编号 line stands above the title.
"""

SOURCE = "https://www.scqs.gov.cn/info/13206/211004.htm"
PROVINCE = "四川"
UNIT = "青神县发展和改革局"
YEAR = 2023
FILE = "sichuan-qingshen-2023-salaries.xlsx"
SHEET = "项目支出绩效自评表"
FRAME_FROM = 3
WIDTHS = [12, 16, 12, 22, 10, 10, 10, 10, 8, 8, 30]

NOTE = ("1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);"
        "2.年中发生预算调整的(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款.")

ROWS = [
    ["报表编号:510000_0013zp"] + [None] * 10,
    ["部门预算项目支出绩效自评表(2023年度)"] + [None] * 10,
    ["项目名称", None, "51000021R000000019951-工资性支出"] + [None] * 8,
    ["主管部门", None, "青神县发展和改革局本级", None, None, "实施单位 (盖章)", None, "青神县发展和改革局", None, None, None],
    ["项目基本情况", "1.项目年度目标完成情况", "项目年度目标", None, None, None, "年度目标完成情况", None, None, None, None],
    [None, None, "严格执行相关政策,保障工资及时、足额发放或社保及时、足额缴纳,预算编制科学合理,减少结余资金。",
     None, None, None, "对照年度目标,说明相关任务目标的完成情况(100字以内)", None, None, None, None],
    [None, "2.项目实施内容及过程概述", None, None, None, None, None, None, None, None, None],
    ["预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分",
     "原因", None, None],
    [None, "总额", "238.93", "251.89", "251.89", "100.00%", "10", None, NOTE, None, None],
    [None, "其中:财政资金", "238.93", "251.89", "251.89", "100.00%", "/", "/", None, None, None],
    [None, "财政专户管理资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", None, None, None],
    [None, "单位资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", None, None, None],
    [None, "其他资金", None, None, None, None, "/", "/", None, None, None],
    ["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
     "未完成原因分析"],
    [None, "产出指标", "数量指标", "发放(缴纳)覆盖率", "=", "100", "%", None, "60", None, None],
    [None, "效益指标", "社会效益指标", "足额保障率(参保率)", "=", "100", "%", None, "30", None, None],
    ["合计", None, None, None, None, None, None, None, "100", None, None],
    ["评价结论", None, "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"] + [None] * 8,
    ["存在问题", None, "结合自评情况,分析存在的问题及原因。(200字以内)"] + [None] * 8,
    ["改进措施", None, "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。(200字以内)"] + [None] * 8,
    ["项目负责人:", None, None, None, None, "财务负责人:", None, None, None, None, None],
]

MERGES = [
    "A1:K1", "A2:K2", "A3:B3", "C3:K3", "A4:B4", "C4:E4", "F4:G4", "H4:K4",
    "A5:A7", "B5:B6", "C5:F5", "G5:K5", "C6:F6", "G6:K6", "C7:K7",
    "A8:A13", "I8:K8", "I9:K13",
    "A14:A16", "A17:H17",
    "A18:B18", "C18:K18", "A19:B19", "C19:K19", "A20:B20", "C20:K20", "A21:E21", "F21:K21",
]
