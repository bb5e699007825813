"""Chinese translations of the REST API and the API token page (issue 8); merged by
config/locale/merge.py. ("Not found." and DRF's other messages come with DRF's catalogue.)"""

T = {
    # Errors
    "The request is not valid.": "请求无效。",
    "Not found.": "未找到。",
    "Invalid or revoked API token.": "API令牌无效或已撤销。",
    "Give the token as: Authorization: Bearer <token>.": "请按此格式提供令牌：Authorization: Bearer <令牌>。",
    "You may not see the rule sets.": "您无权查看规则集。",
    # Ledger uploads
    "Only agency uploaders keep ledgers.": "只有报送单位可以报送台账。",
    "Unknown region, or not one whose ledger you keep.": "地区不存在，或不是您负责报送台账的地区。",
    "The file is empty.": "文件为空。",
    "Give a reason for project %(code)s, which is missing from the file.": "项目 %(code)s 未出现在文件中，请说明原因。",
    "Choose a reason for every project missing from the file.": "请为文件中缺少的每个项目选择原因。",
    "Only the person who uploaded the file can confirm it.": "只有上传该文件的人可以确认。",
    "This upload cannot be applied now (status: %(status)s).": "该上传现在不能应用（状态：%(status)s）。",
    # Screening one project
    "The project is not a valid ledger row.": "该项目不是有效的台账行。",
    "There is no rule set named “%(name)s”.": "没有名为“%(name)s”的规则集。",
    "%(column)s is given twice (as “%(first)s” and “%(second)s”).": "〔%(column)s〕重复填写（“%(first)s”和“%(second)s”）。",
    "%(column)s must be text, a number or null.": "〔%(column)s〕必须是文本、数字或空值（null）。",
    "%(column)s: this region is not one of your regions.": "〔%(column)s〕该地区不在您的管辖范围内。",
    # Cases
    "Unknown project, or not one of your regions.": "项目不存在，或不属于您的地区。",
    "Waiting for me": "待我处理",
    "Project id": "项目编号",
    # Barometer filters
    "Month (YYYY-MM)": "月份（YYYY-MM）",
    "From month (YYYY-MM)": "起始月份（YYYY-MM）",
    "To month (YYYY-MM)": "截止月份（YYYY-MM）",
    "Give a month as YYYY-MM.": "请按 YYYY-MM 格式填写月份。",
    "Tier": "预警等级",
    "Status": "状态",
    # Token model and page
    "API token": "API令牌",
    "API tokens": "API令牌",
    "prefix": "前缀",
    "created": "创建时间",
    "last used": "最近使用",
    "revoked": "撤销时间",
    "Name": "名称",
    "What the token is for, e.g. the system that will use it.": "令牌的用途，例如将使用它的系统。",
    "Give the token a name.": "请为令牌命名。",
    "You have %(n)s active tokens: revoke one first.": "您已有 %(n)s 个有效令牌，请先撤销一个。",
    "The token “%(name)s” was revoked.": "令牌“%(name)s”已撤销。",
    "A token lets another system use the API in your name, with your role and your regions. "
    "Send it as the header Authorization: Bearer followed by the token.": "令牌允许其他系统以您的名义、按您的角色和地区使用API。请在请求头中发送 "
    "Authorization: Bearer 加令牌。",
    "API documentation": "API文档",
    "Token “%(name)s” created. Copy it now: it is shown only this once.": "令牌“%(name)s”已创建。请立即复制：它只显示这一次。",
    "Create token": "创建令牌",
    "Your tokens": "我的令牌",
    "Prefix": "前缀",
    "Created": "创建时间",
    "Last used": "最近使用",
    "Revoked %(when)s": "已于 %(when)s 撤销",
    "Active": "有效",
    "Revoke": "撤销",
    "No tokens yet.": "尚无令牌。",
}
