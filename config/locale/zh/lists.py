"""Chinese translations of the lists (issue 15): search, sortable headers, the pager, the
case and alerts filters, the case export; merged by config/locale/merge.py."""

T = {
    # Search and filters
    "Search code, name, enterprise or credit code": "搜索项目代码、项目名称、建设单位或统一社会信用代码",
    "Search code or name": "搜索项目代码或名称",
    "Two-high": "两高",
    "Not two-high": "非两高",
    # Sortable headers and the sort choice
    "{label} (descending)": "{label}（降序）",
    "Default order": "默认顺序",
    "Click to sort by this column": "点击按此列排序",
    "Sorted ascending; click to sort descending": "已升序排列，点击改为降序",
    "Sorted descending; click to sort ascending": "已降序排列，点击改为升序",
    # Pager
    "%(count)s items, page %(page)s of %(pages)s": "共 %(count)s 项，第 %(page)s/%(pages)s 页",
    "Pages": "分页",
    "Per page": "每页",
    # Case export
    "Unified social credit code": "统一社会信用代码",
    "Last change": "最后更新",
    "Yes": "是",
    "No": "否",
    # Alerts
    "Alert kind": "预警类型",
    "Energy diagnosis or cleaner-production audit due": "应开展节能诊断或清洁生产审核",
}
