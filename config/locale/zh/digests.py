"""Chinese (zh-hans) translations of issue 16 (digests and the monthly report that read like a
briefing), for config/locale/merge.py: msgid → msgstr. Headline wording follows the short,
figure-first style of a 简报: "2个案件超期，1个项目用能红色预警"."""

T = {
    # Sections of a digest, by weight
    "Regional restrictions and reminders": "区域限批与提醒",
    "Overdue cases": "超期案件",
    "Projects over their approved energy (red)": "用能超出批复的项目（红色预警）",
    "Your uploads with errors": "您上传的台账有错误",
    "New non-compliant projects": "新增不合规项目",
    "Projects near their approved energy (yellow)": "用能接近批复的项目（黄色预警）",
    "Barometer tiers that moved": "晴雨表等级变化",
    # The headline
    "At a glance": "本期要点",
    "Open the list": "查看清单",
    " and %(count)s more": "等另外 %(count)s 个",
    "unchanged on last month": "与上月持平",
    "%(change)s on last month": "较上月%(change)s",
    "%(text)s (%(aside)s)": "%(text)s（%(aside)s）",
    "%(label)s: %(figures)s": "%(label)s：%(figures)s",
    "Regional energy-assessment restriction (限批)": "区域节能评估限批",
    "Reminders (提醒)": "提醒",
    "%(count)s region new this period (%(names)s)": "本期新增 %(count)s 个地区（%(names)s）",
    "%(count)s region in force (%(names)s)": "目前共 %(count)s 个地区（%(names)s）",
    "%(count)s region newly under restriction": "%(count)s个地区新进入区域节能评估限批",
    "%(count)s region under restriction": "%(count)s个地区处于区域节能评估限批",
    "%(count)s region newly reminded": "%(count)s个地区新被提醒",
    "%(count)s new non-compliant project": "新增%(count)s个不合规项目",
    "%(count)s case waiting for you": "待您处理的案件 %(count)s 件",
    "%(count)s of them overdue": "其中超期 %(count)s 件",
    "%(count)s case waiting": "%(count)s个案件待处理",
    "%(count)s case overdue": "%(count)s个案件超期",
    ", up to %(days)s working day": "，最长超期 %(days)s 个工作日",
    ", less than a working day": "，均超期不足 1 个工作日",
    "Projects over their approved energy: %(red)s red, %(yellow)s yellow":
        "用能超出批复的项目：红色预警 %(red)s 个，黄色预警 %(yellow)s 个",
    "Projects over their approved energy: %(red)s red (%(red_change)s), %(yellow)s yellow "
    "(%(yellow_change)s)":
        "用能超出批复的项目：红色预警 %(red)s 个（%(red_change)s），"
        "黄色预警 %(yellow)s 个（%(yellow_change)s）",
    "%(count)s project in red energy warning": "%(count)s个项目用能红色预警",
    "%(count)s project in yellow energy warning": "%(count)s个项目用能黄色预警",
    "%(scope)s: %(headline)s": "%(scope)s：%(headline)s",
    # The detail lines
    "From %(start)s (red months: %(months)s)": "自 %(start)s 起（红色月份：%(months)s）",
    "Lifted (%(start)s – %(end)s)": "已解除（%(start)s – %(end)s）",
    "%(what)s: due %(date)s, %(days)s working day overdue":
        "%(what)s：期限 %(date)s，已超期 %(days)s 个工作日",
    "%(what)s: due %(date)s, overdue by less than a working day":
        "%(what)s：期限 %(date)s，已超期，不足 1 个工作日",
    "%(month)s: %(tier)s, %(share)s %% of the approved energy to date":
        "%(month)s：%(tier)s，累计用能达批复能耗同期值的 %(share)s%%",
    "%(month)s: tier %(tier)s (first publication)": "%(month)s：%(tier)s（首次发布）",
    "Last energy diagnosis %(diagnosis)s, last cleaner-production audit %(cleaner)s":
        "最近节能诊断 %(diagnosis)s，最近清洁生产审核 %(cleaner)s",
    "none on record": "无记录",
    "due %(date)s": "期限 %(date)s",
    "rectification deadline %(date)s": "整改期限 %(date)s",
    "%(disposition)s · %(stage)s · %(sector)s": "%(disposition)s · %(stage)s · %(sector)s",
    "%(count)s error in the file": "文件有 %(count)s 处错误",
    "%(frequency)s digest for %(period)s, your own regions only.":
        "%(frequency)s摘要（%(period)s），仅含您所辖地区。",
    "… and %(counter)s more routine change (%(sections)s), see all":
        "……及另外 %(counter)s 项常规变化（%(sections)s），查看全部",
    # The monthly report's headline
    "The month at a glance": "本月要点",
    "No restriction, reminder, new non-compliant project, overdue case or project energy "
    "warning this month.": "本月无区域限批、提醒、新增不合规项目、超期案件或项目用能预警。",
    "Ledger this month: %(added)s added, %(changed)s changed, %(removed)s left the ledger":
        "本月台账变化：新增 %(added)s 个项目，变更 %(changed)s 个，移出 %(removed)s 个",
    "Regions under the regional energy-assessment restriction": "区域节能评估限批地区数",
    "Regions under a reminder": "被提醒地区数",
    "Regions red on the barometer": "晴雨表红色地区数",
    "Non-compliant two-high projects": "不合规两高项目数",
    "Projects in red energy warning": "用能红色预警项目数",
    "Projects in yellow energy warning": "用能黄色预警项目数",
    "Projects added to the ledger": "台账新增项目数",
    "Projects changed in the ledger": "台账变更项目数",
    "Projects that left the ledger": "移出台账项目数",
    "Headline figure": "要点指标",
    "This month": "本月",
    "Last month": "上月",
    "Change on last month": "较上月",
}
