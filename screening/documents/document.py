"""The parts of a decision document (GB/T 9704), kept as plain data, and its visible blanks:
a fact the case does not hold is written as `blank(what)` for the officer to fill before
signing. Pure: no database and no Django.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

BLANK_MARK = "【待填："


def blank(what: str) -> str:
    """A visible blank the officer fills: says what belongs there."""
    return f"{BLANK_MARK}{what}】"


def given(value) -> bool:
    return value not in (None, "", [], {})


def text_or_blank(value, what: str) -> str:
    return str(value).strip() if given(value) and str(value).strip() else blank(what)


# --- The document --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One paragraph of the body: `h1` 一级标题 (黑体, "一、"), `h2` 二级标题 (楷体, "（一）"),
    `body` 正文 (仿宋)."""

    text: str
    style: str = "body"


@dataclass
class Document:
    kind: str
    office_name: str  # 发文机关标志 (the office's full name; "文件" is not added: 函 style)
    number: str  # 发文字号
    title: str
    addressee: str  # 主送机关
    blocks: list[Block]
    attachments: list[str] = field(default_factory=list)  # 附件说明
    signature: str = ""  # 发文机关署名
    date_text: str = ""  # 成文日期
    copy_to: list[str] = field(default_factory=list)  # 抄送机关

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        values = dict(data)
        values["blocks"] = [Block(**b) for b in data.get("blocks", [])]
        return cls(**values)

    def lines(self) -> list[str]:
        """The document's text, one paragraph a line, in reading order."""
        out = [self.office_name, self.number, self.title, f"{self.addressee}："]
        out += [b.text for b in self.blocks]
        for i, name in enumerate(self.attachments, 1):
            lead = "附件：" if i == 1 else "　　　"
            out.append(f"{lead}{i}. {name}" if len(self.attachments) > 1 else f"附件：{name}")
        out += [self.signature, self.date_text]
        if self.copy_to:
            out.append("抄送：" + "，".join(self.copy_to) + "。")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    @property
    def blanks(self) -> list[str]:
        """What is still to be filled in (the labels of the visible blanks)."""
        found = []
        for line in self.lines():
            start = line.find(BLANK_MARK)
            while start != -1:
                end = line.find("】", start)
                found.append(line[start + len(BLANK_MARK) : end])
                start = line.find(BLANK_MARK, end)
        return found
