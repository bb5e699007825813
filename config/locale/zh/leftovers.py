"""Chinese translations of the issue 15 leftovers (the lists' pager, region names); merged by
config/locale/merge.py."""

T = {
    "Upload history": "上传记录",
}
