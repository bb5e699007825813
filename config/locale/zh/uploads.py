"""Chinese translations of issue 15 "Uploads that say what they will do" (helper uploads):
the upload mode, the preview's screening outcomes, the reason for all missing projects, the
sheet read and the refusal of files in another format; merged by config/locale/merge.py."""

T = {
    # The upload mode (full ledger / add or update only)
    "Full ledger (replaces the region's ledger)": "全量台账（替换本地区台账）",
    "Add or update only": "只新增或更新",
    "upload mode": "上传方式",
    "What the upload does": "上传方式",
    "Mode": "上传方式",
    "Choose what the upload does: a full ledger, or add or update only.": "请选择上传方式：全量台账，或只新增或更新。",
    "The file becomes the region's ledger: projects of the ledger missing from the file will "
    "be marked removed, each with a reason you choose before confirming.": "文件将成为本地区的台账：台账中有、文件中没有的项目将被标记为移出台账，"
    "确认前须为每个项目选择原因。",
    "Rows in the file are created or updated; nothing is removed from the ledger.": "只新增或更新文件中的项目，不会从台账中移出任何项目。",
    "Add or update only: confirming creates or updates the projects in the file; no project "
    "leaves the ledger of %(region)s.": "只新增或更新：确认后将新增或更新文件中的项目，%(region)s台账中的其他项目保持不变。",
    "Full upload: confirming replaces the ledger of %(region)s with this file; %(n)s project "
    "missing from the file will be marked removed with the reason you choose.": "全量上传：确认后本文件将替换%(region)s的台账；文件中没有的%(n)s个项目将按您选择的原因"
    "标记为移出台账。",
    "Full upload: confirming replaces the ledger of %(region)s with this file; every project "
    "of the ledger is in the file, so none will be removed.": "全量上传：确认后本文件将替换%(region)s的台账；台账中的项目都在文件中，不会移出任何项目。",
    "Not in the file (kept as they are)": "文件中没有（保持不变）",
    "Missing from the file (to be removed)": "文件中没有（将移出台账）",
    "Apply this reason to all missing projects": "对所有缺少的项目使用此原因",
    "Note for all": "统一备注",
    "A reason chosen on a row below takes precedence over the one for all.": "下方逐行选择的原因优先于统一原因。",
    # The preview's screening outcomes
    "Screening outcome of the new and changed projects": "新增和变更项目的筛查结果",
    "Screening outcome": "筛查结果",
    "Failed rules: %(rules)s": "未通过的规则：%(rules)s",
    "Needs information: %(rules)s": "需补充信息的规则：%(rules)s",
    "The first %(shown)s of %(total)s new projects are shown.": "共%(total)s个新增项目，此处显示前%(shown)s个。",
    # The sheet read and refusals
    "sheet read": "读取的工作表",
    "Sheet read: “%(sheet)s” (the first visible worksheet of the workbook; other sheets are "
    "ignored).": "读取的工作表：“%(sheet)s”（工作簿中第一个可见的工作表，其他工作表不读取）。",
    "Refused: not an .xlsx workbook": "已拒收：不是.xlsx工作簿",
    "Not an .xlsx workbook": "不是.xlsx工作簿",
    "The file was refused: it cannot be read safely": "文件已拒收：无法安全读取",
    # Hints beside the errors (issue 15, second round): the errors stay as SPEC §3 lists them
    "Row %(row)s: a total row (合计) is not part of the ledger: delete it": "第%(row)s行：合计行不属于台账，请删除",
    "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row %(row)s; row 1 "
    "looks like a title: delete it": "工作表“%(sheet)s”的表头应在第1行：表头在第%(row)s行，第1行看起来是标题，请删除",
    "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row %(row)s; row 1 is "
    "blank: delete it": "工作表“%(sheet)s”的表头应在第1行：表头在第%(row)s行，第1行是空行，请删除",
    "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row %(row)s; rows "
    "1–%(last)s look like a title: delete them": "工作表“%(sheet)s”的表头应在第1行：表头在第%(row)s行，第1–%(last)s行看起来是标题，请删除",
    "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row %(row)s; rows "
    "1–%(last)s are blank: delete them": "工作表“%(sheet)s”的表头应在第1行：表头在第%(row)s行，第1–%(last)s行是空行，请删除",
    "What to fix first": "请先处理",
    "See all %(n)s header errors": "查看全部 %(n)s 条表头错误",
    "Errors of this row": "该行的错误",
}
