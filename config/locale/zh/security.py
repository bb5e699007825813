"""Chinese translations of issue 13's security fixes (items 6 and 9): date windows, token
revocation on a password change, and the API's JSON errors; merged by config/locale/merge.py."""

T = {
    # Date windows (screening/date_limits.py)
    "The deadline must be within two years of today (at the latest %(date)s).": "期限须在今天起两年以内（最迟 %(date)s）。",
    "The screening date must be between %(first)s and %(last)s.": "甄别日期须在 %(first)s 至 %(last)s 之间。",
    "The month must not be after this month (%(month)s).": "月份不得晚于本月（%(month)s）。",
    "The month must not be before %(month)s.": "月份不得早于 %(month)s。",
    # API tokens and the password page
    "Changing your password revokes all your API tokens: systems that use them must be given new ones from the API tokens page.": "修改密码会撤销您的全部API令牌：使用这些令牌的系统须在“API令牌”页面重新获取新令牌。",
    "Your API tokens were revoked with the old password.": "您的API令牌已随旧密码一并撤销。",
    "Create new API tokens": "创建新的API令牌",
    # JSON errors under /api/
    "The request could not be read: too many files or fields, or a malformed body.": "无法读取该请求：文件或字段过多，或请求体格式有误。",
    "An unexpected error occurred on the server; it has been logged.": "服务器发生意外错误，已记录在案。",
    "CSRF check failed: send the CSRF token with a browser session, or use an API token.": "CSRF校验失败：使用浏览器会话时请附带CSRF令牌，或改用API令牌。",
}
