"""Chinese translations of SPEC revision 4 (issue 20): the approve guards, the dual-control
and coal tiers, the rule list of the rule-set page, screening changes by a rule revision;
merged by config/locale/merge.py."""

T = {
    # Approve guards (SPEC §5, revision 4)
    "The region is under 区域节能评估限批 (three or more red barometer months in a row): no "
    "planned project can be approved until a published month is no longer red.": "所在地区实行区域节能评估限批（晴雨表连续三个月及以上红色预警）：在公布的月份不再为红色之前，"
    "拟建项目一律不予批准。",
    "The region missed last year's energy dual-control target: only livelihood or "
    "infrastructure projects can be approved this year (clause (十八)).": "所在地区上年度未完成能耗双控目标：今年只能批准民生或基础设施项目（第（十八）条）。",
    "The region missed last year's pollutant-total target: EIA approvals of projects adding "
    "those pollutants are suspended, livelihood projects included (clause (十八)).": "所在地区上年度未完成污染物排放总量控制目标：暂停新增排放相应污染物项目的环评审批，"
    "民生项目亦不例外（第（十八）条）。",
    "A planned project needs window guidance or a third-party evaluation completed before "
    "approval (clause (十一)).": "拟建项目须先完成窗口指导或第三方评估，方可批准（第（十一）条）。",
    "Compliant screening; for a planned project: evaluation done, region not restricted, last "
    "year's targets met (dual control: or livelihood)": "筛查结论为合规；拟建项目还须：已完成评估、所在地区未限批、上年度目标已完成"
    "（能耗双控目标未完成时限民生项目）",
    # Tiers (SPEC §6, revision 4)
    "Dual-control tier": "能耗双控等级",
    "Shown beside the dual-control tier; counted for neither R07, R08 nor escalation": "与能耗双控等级并列显示；不计入R07、R08和预警升级",
    "Coal consumption against its cap (its own tier, counted for neither R07, R08 nor "
    "escalation)": "煤炭消费量对照上限（单列等级，不计入R07、R08和预警升级）",
    # Rule-set page
    "Rules": "规则",
    "What it checks": "检查内容",
    "Parameters": "参数",
    # Screening changes by a rule revision
    "rule revision": "规则修订",
    "screening change (rule revision)": "筛查结论变化（规则修订）",
    "screening changes (rule revisions)": "筛查结论变化（规则修订）",
    "Rule revision %(label)s (applied %(when)s)": "规则修订 %(label)s（%(when)s 施行）",
}
