"""Chinese translations of issue 15, "Pages that hold up": the print header and button, the
400/403/404/500 pages; merged by config/locale/merge.py."""

T = {
    # Print views of the project and case pages
    "Print": "打印",
    "Printed %(printed_at)s by %(who)s": "%(who)s 打印于 %(printed_at)s",
    # Error pages (templates/400.html, 403.html, 404.html, 500.html)
    "Page not found": "页面没有找到",
    "There is no page at this address, or it is not one you may see. Check the address, or "
    "start again from the start page.": "此地址没有页面，或您无权查看该页面。请检查地址，或从首页重新开始。",
    "Not allowed": "无权访问",
    "Your role or your regions do not allow this page or this action. If you need it, ask the "
    "administrator of your office.": "您的角色或所辖地区无权查看此页面或执行此操作。如确有需要，请联系本单位管理员。",
    "The request could not be read": "无法读取请求",
    "The browser sent something the application cannot read (too many fields or files, or a "
    "malformed form). Go back, reload the page and try again.": "浏览器发送的内容无法读取（字段或文件过多，或表单格式有误）。请返回、刷新页面后重试。",
    "Server error": "服务器出错",
    "Something went wrong on the server and it has been logged. Try again in a moment; if it "
    "keeps happening, tell the administrator.": "服务器出现错误，已记录在案。请稍后重试；如问题持续出现，请告知管理员。",
    "Back to the start page": "返回首页",
}
