"""Chinese translations of issue 13's data-safety items (demo seeding record, publication dates
of barometer history); merged by config/locale/merge.py."""

T = {
    # The demo seeding record (issue 13.1)
    "seeded": "填充时间",
    "seeded with --force": "使用 --force 强制填充",
    "demo data record": "演示数据记录",
    "demo data records": "演示数据记录",
    # Publication dates of barometer history (issue 13.8, SPEC §8)
    "The publication date must not be in the future.": "发布日期不能晚于今天。",
    "The publication date must not be before %(date)s.": "发布日期不能早于%(date)s。",
    "Month %(month)s had not ended on %(date)s: it cannot have been published then "
    "(at the earliest on %(first)s).": "月份%(month)s在%(date)s尚未结束，不可能在该日发布（最早为%(first)s）。",
    "A publication date is given only with publishing.": "只有在发布时才能填写发布日期。",
    "A publication date is given only with publishing: tick “Publish the months loaded”.": "只有在发布时才能填写发布日期：请勾选“发布导入的月份”。",
    "Published on (history)": "发布日期（历史数据）",
    "Only for months published before: every month in the file is recorded as published on "
    "this date (each must have ended by then). Leave empty to publish today.": "仅用于以前已发布的月份：文件中的每个月份都记为在该日发布（各月份须在该日之前已结束）。"
    "留空则以今天为发布日期。",
}
