"""A built `Document` as a .docx file laid out per the basics of GB/T 9704-2012.

A4 with the standard's margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), 仿宋_GB2312
三号 body at a fixed 29 pt line (22 lines a page), 方正小标宋简体 for the office mark and the
title, 黑体 and 楷体_GB2312 for the first two heading levels, the red office mark and red
separator line, 附件 list, signature and date to the right, 抄送 between two rules, and the page
number in the footer. The fonts are named, not embedded: Word or WPS on an officer's machine
substitutes when one is missing. Visible blanks are highlighted yellow.
"""

from __future__ import annotations

import io
import re

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from screening.documents.document import BLANK_MARK, Document

FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
RED = RGBColor(0xE6, 0x00, 0x12)
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
LINE = Pt(29)  # 225 mm body height / 22 lines
CHAR = Pt(16)  # one 三号 character, for indents

_BLANK = re.compile(f"({re.escape(BLANK_MARK)}[^】]*】)")


def _font(run, name: str, size, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _paragraph(
    doc,
    text: str = "",
    *,
    font: str = FANGSONG,
    size=SIZE_3,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: float = 0,
    right_chars: float = 0,
    color: RGBColor | None = None,
    line=LINE,
):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = fmt.space_after = Pt(0)
    if indent_chars:
        fmt.first_line_indent = CHAR * indent_chars
    if right_chars:
        fmt.right_indent = CHAR * right_chars
    for piece in _BLANK.split(text):
        if not piece:
            continue
        run = paragraph.add_run(piece)
        _font(run, font, size, color=color)
        if piece.startswith(BLANK_MARK):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return paragraph


def _border(paragraph, side: str, *, color: str = "000000", size_eighths: int = 8) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_number_footer(section) -> None:
    """“— 1 —” in 四号宋体 (GB/T 9704 7.5), centred."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), SONGTI, SIZE_4)
    run = paragraph.add_run()
    _font(run, SONGTI, SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _font(paragraph.add_run(" —"), SONGTI, SIZE_4)


def render_docx(document: Document) -> bytes:
    """The document as .docx bytes."""
    doc = new_docx()
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FANGSONG, SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    doc.core_properties.title = document.title
    doc.core_properties.author = document.signature

    # 版头: the office mark in red, the number, the red separator line.
    _paragraph(
        doc,
        document.office_name,
        font=XIAOBIAOSONG,
        size=Pt(26),
        align=WD_ALIGN_PARAGRAPH.CENTER,
        color=RED,
        line=Pt(40),
    )
    _paragraph(doc)
    number = _paragraph(doc, document.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(number, "bottom", color="E60012", size_eighths=12)
    _paragraph(doc)
    # 主体: title, addressee, body, attachments, signature, date.
    _paragraph(
        doc,
        document.title,
        font=XIAOBIAOSONG,
        size=SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        line=Pt(35),
    )
    _paragraph(doc)
    _paragraph(doc, f"{document.addressee}：")
    fonts = {"h1": HEITI, "h2": KAITI, "body": FANGSONG}
    for block in document.blocks:
        _paragraph(doc, block.text, font=fonts.get(block.style, FANGSONG), indent_chars=2)
    if document.attachments:
        _paragraph(doc)
        many = len(document.attachments) > 1
        for i, name in enumerate(document.attachments, 1):
            lead = ("附件：" if i == 1 else "　　　") + (f"{i}. " if many else "")
            _paragraph(doc, f"{lead}{name}", indent_chars=2)
    _paragraph(doc)
    _paragraph(doc, document.signature, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    _paragraph(doc, document.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=2)
    # 版记: 抄送 between two rules.
    if document.copy_to:
        _paragraph(doc)
        copy = _paragraph(
            doc,
            "抄送：" + "，".join(document.copy_to) + "。",
            size=SIZE_4,
            align=WD_ALIGN_PARAGRAPH.LEFT,
        )
        copy.paragraph_format.left_indent = Pt(14)
        _border(copy, "top")
        _border(copy, "bottom")
    _page_number_footer(section)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
