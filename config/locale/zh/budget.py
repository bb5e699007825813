"""Chinese translations of issue 13 items 2, 3 and 7: the region's energy headroom (能耗空间),
report cells, stage dispositions, rollback reasons and open cases of projects leaving the
ledger; merged by config/locale/merge.py."""

T = {
    # Energy headroom (case page, dashboard)
    "What approval would do to the region's energy headroom": "批准后对本地区能耗空间的影响",
    "The energy budget for %(year)s is unknown: no published month of this region or of the "
    "regions above it gives one, so no headroom can be worked out.": "%(year)s年能耗预算未知：本地区及其上级地区已发布的月份均未给出预算，无法测算能耗空间。",
    "%(region)s, %(year)s: the budget of this region, which covers its sub-regions.": "%(region)s，%(year)s年：采用该地区预算（含其下辖地区）。",
    "Annual energy budget": "年度能源消费总量预算",
    "Consumption reported to date, projected to the year end": "已报送能耗按月折算至全年",
    "%(used)s in %(months)s months × 12 / %(months)s": "%(months)s个月累计%(used)s × 12 / %(months)s",
    "unknown: no consumption reported this year": "未知：本年尚未报送能源消费量",
    "New energy of projects approved this year and not yet operating": "本年已批准、尚未投产项目的新增能源消费量",
    "approved": "批准于",
    "case": "审查案件",
    "no new-energy figure in the ledger (counted as 0)": "台账未填新增能源消费量（按0计）",
    "%(n)s project in regions outside yours: %(tce)s": "您管辖范围以外地区的项目%(n)s个：%(tce)s",
    "Headroom before this project": "本项目之前的能耗空间",
    "This project's new energy": "本项目新增能源消费量",
    "unknown: the ledger gives no new-energy figure": "未知：台账未填新增能源消费量",
    "Headroom after approval": "批准后的能耗空间",
    "Energy headroom": "能耗空间",
    "All figures in tce.": "单位均为吨标准煤。",
    "Energy headroom, %(year)s": "%(year)s年能耗空间",
    "Use projected to the year end": "折算全年能耗",
    "Approved this year, not yet operating": "本年已批准未投产",
    "Budget − consumption reported to date projected to the year end − new energy of the "
    "projects approved this year in the region and its sub-regions that are not yet operating "
    "(tce). Regions without a published budget this year are not listed: their headroom is "
    "unknown.": "能耗空间 = 年度预算 − 已报送能耗折算全年 − 本地区及下辖地区本年已批准未投产项目的"
    "新增能源消费量（吨标准煤）。本年未发布预算的地区不列出：其能耗空间未知。",
    "No region of yours has a published energy budget this year: the headroom is unknown.": "您管辖的地区本年均未发布能耗预算：能耗空间未知。",
    # Dispositions by stage
    "This disposition does not fit a project at stage %(stage)s (SPEC §4 disposition table).": "该处置方式不适用于%(stage)s阶段的项目（见处置对照表）。",
    # Rolling back an upload
    "Say why the upload is rolled back: the uploader will see it.": "请说明撤销本次报送的原因：报送人将看到该原因。",
    "The reason may be at most %(n)s characters.": "原因最多%(n)s个字符。",
    "reason for the rollback": "撤销原因",
    "This upload cannot be rolled back by you now.": "您当前不能撤销本次报送。",
    "Roll back this upload…": "撤销本次报送…",
    "Roll back the upload": "确认撤销",
    "Cancel": "取消",
    "This undoes what the upload applied to the ledger of %(region)s on %(when)s: new "
    "projects leave the ledger, changed projects get their earlier values back, removed "
    "projects return. Every project's history records it.": "将撤销本次报送于%(when)s对%(region)s台账所做的全部更改：新增项目移出台账，"
    "变更项目恢复原值，被移出的项目恢复。每个项目的变更记录都会留存。",
    "Reason (the uploader will see it)": "原因（报送人可见）",
    "Rolled back on %(when)s by %(who)s.": "已于%(when)s由%(who)s撤销。",
    # Projects leaving the ledger under an open case
    "%(n)s of these projects has an open review case: it stays open, and its page will show "
    "that the project left the ledger.": "其中%(n)s个项目有未办结的审查案件：案件保持不变，案件页面将显示该项目已移出台账。",
    "Open review case (cycle %(cycle)s): %(state)s": "未办结审查案件（第%(cycle)s轮）：%(state)s",
    "see the case": "查看案件",
    "The project has left the ledger": "该项目已移出台账",
}
