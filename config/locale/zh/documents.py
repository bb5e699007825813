"""Chinese translations of decision documents (issue 18): the document pages, the preview on
the transition form, the issuing office's settings; merged by config/locale/merge.py. (The
documents themselves are written in Chinese by screening/documents/builders.py.)"""

T = {
    # Kinds
    "Review opinion": "审查意见",
    "Opinion not to approve": "不予审批意见",
    "Notice of deferred approval": "暂缓审批通知",
    "Rectification order": "整改通知书",
    "Rectification acceptance opinion": "整改验收意见",
    "Notice of the regional energy-assessment restriction": "区域节能评估限批通知",
    "Notice lifting the regional energy-assessment restriction": "解除区域节能评估限批通知",
    # The issuing office (region settings) and the document record
    "office name": "发文机关名称",
    "Full name of the office, e.g. the region's development and reform commission.": "发文机关全称，如本地区发展和改革委员会。",
    "document number prefix": "发文机关代字",
    "The part before 〔year〕 in its document numbers.": "发文字号中〔年份〕之前的部分。",
    "copy to": "抄送机关",
    "Offices that receive a copy of its documents (抄送), one per line.": "接收其文件抄送的机关，每行一个。",
    "issuing office": "发文机关",
    "issuing offices": "发文机关",
    "document number": "发文字号",
    "version": "版本",
    "reason for the correction": "更正原因",
    "title": "标题",
    "decision document": "决定文书",
    "decision documents": "决定文书",
    # Pages
    "Document": "文书",
    "Documents": "文书",
    "Number": "文号",
    "Version": "版本",
    "Versions": "版本",
    "Issued": "印发时间",
    "superseded": "已被更正",
    "Superseded by a corrected version": "已被更正版本取代",
    "issued automatically": "系统自动印发",
    "Download (.docx)": "下载（.docx）",
    "The case": "所属案件",
    "To be filled in before signing:": "签发前需填写：",
    "Issue a corrected version": "印发更正版本",
    "The document keeps its number; this version stays on file and the correction becomes "
    "the next version.": "文号不变；本版本留档保存，更正后的文书作为下一版本。",
    "Issue the corrected version": "印发更正版本",
    "Addressee": "主送机关",
    "Opinion text": "意见正文",
    "Copy to (one office per line)": "抄送机关（每行一个）",
    "Reason for the correction": "更正原因",
    "Say why the document is corrected.": "请说明更正原因。",
    "This version was already corrected; correct the latest version.": "该版本已被更正，请更正最新版本。",
    "Version %(version)s of %(number)s was issued.": "已印发 %(number)s 第%(version)s版。",
    "You may not correct this document.": "您无权更正该文书。",
    # The preview on the transition form
    "Preview the document": "预览文书",
    "Preview of the document": "文书预览",
    "Nothing is issued yet: the number is given when you confirm. Check the text, then "
    "confirm with the form below.": "尚未印发：文号在确认时编定。请核对文书内容，然后通过下方表单确认。",
    "Attach the files again before you confirm.": "确认前请重新选择附件。",
    "This action issues no document.": "该操作不印发文书。",
}
