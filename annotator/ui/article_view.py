"""The article text: read-only, suggestions highlighted per field, the focused field's evidence stronger."""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QMenu, QPlainTextEdit, QTextEdit, QVBoxLayout,
                               QWidget)

PALETTE = ("#ffd54f", "#81d4fa", "#a5d6a7", "#f48fb1", "#ce93d8", "#ffab91", "#80cbc4", "#e6ee9c",
           "#b0bec5", "#bcaaa4")


def field_colour(index: int) -> QColor:
    return QColor(PALETTE[index % len(PALETTE)])


class ArticleView(QWidget):
    """Shows one article.  Offsets in signals and setters are offsets into the whole article text."""

    fill_requested = Signal(str, int, int)  # field name, start, end (whole-text offsets)
    body_toggled = Signal(bool)

    def __init__(self, fields: list[tuple[str, str]], parent=None):
        """``fields``: (name, label) of the fields that can be filled from a selection."""
        super().__init__(parent)
        self._fields = fields
        self._colours = {name: field_colour(i) for i, (name, _l) in enumerate(fields)}
        self._text = ""
        self._offset = 0  # offset of the shown text inside the whole text
        self._body: tuple[int, int] | None = None
        self._spans: list[tuple[str, int, int]] = []
        self._starts: list[int] = []
        self._longest = 0
        self._focus: tuple[int, int] | None = None
        self.header = QLabel()
        self.header.setObjectName("articleHeader")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.header.setOpenExternalLinks(False)
        self.whole_page = QCheckBox("Whole page")
        self.whole_page.setToolTip("Show the whole saved web page instead of the detected article body (Ctrl+Shift+W)")
        self.whole_page.toggled.connect(self._on_whole_page_toggled)
        self.text = QPlainTextEdit()
        self.text.setObjectName("articleText")
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text.customContextMenuRequested.connect(self._on_text_context_menu)
        self.text.verticalScrollBar().valueChanged.connect(lambda _v: self._apply())
        font = QFont(self.text.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.text.setFont(font)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.whole_page, 0, Qt.AlignmentFlag.AlignTop)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.text, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._apply()

    # ------------------------------------------------------------- content
    def set_article(self, record: dict | None) -> None:
        self._spans, self._starts, self._focus = [], [], None
        if record is None:
            self._text, self._body = "", None
            self.header.setText("<i>No article</i>")
            self.whole_page.setEnabled(False)
            self.text.setPlainText("")
            return
        self._text = record["text"]
        bs, be = record.get("body_start"), record.get("body_end")
        self._body = (bs, be) if bs is not None and be is not None and (bs, be) != (0, len(self._text)) else None
        self.whole_page.blockSignals(True)
        self.whole_page.setChecked(False)
        self.whole_page.blockSignals(False)
        self.whole_page.setEnabled(self._body is not None)
        meta = " · ".join(x for x in (record.get("outlet"), record.get("published")) if x)
        url = record.get("url") or ""
        title = _esc(record.get("title") or "(untitled)")
        self.header.setText(f"<b style='font-size:13pt'>{title}</b><br>{_esc(meta)}"
                            + (f"<br><a href='{_esc(url)}'>{_esc(url)}</a>" if url else ""))
        self._show()

    def _show(self) -> None:
        if self._body is not None and not self.whole_page.isChecked():
            self._offset = self._body[0]
            shown = self._text[self._body[0]:self._body[1]]
        else:
            self._offset, shown = 0, self._text
        self.text.setExtraSelections([])  # old selections would be moved along with the old text
        self.text.setPlainText(shown)
        self._apply()

    def _on_whole_page_toggled(self, checked: bool) -> None:
        self._show()
        self.body_toggled.emit(checked)

    def set_highlights(self, spans: list[tuple[str, int, int]]) -> None:
        """``spans``: (field name, start, end) suggestion spans, whole-text offsets."""
        self._spans = sorted(spans, key=lambda s: s[1])
        self._starts = [s[1] for s in self._spans]
        self._longest = max((b - a for _n, a, b in self._spans), default=0)
        self._apply()

    def _visible_range(self) -> tuple[int, int]:
        """Whole-text offsets of the text on screen, with a margin of a few screens either side."""
        vp = self.text.viewport()
        first = self.text.cursorForPosition(vp.rect().topLeft()).position()
        last = self.text.cursorForPosition(vp.rect().bottomRight()).position()
        margin = max(3000, 2 * (last - first))
        return first + self._offset - margin, last + self._offset + margin

    def set_focus_span(self, span: tuple[int, int] | None, scroll: bool = True) -> None:
        self._focus = span
        self._apply()
        if span and scroll:
            cur = self._cursor(*span)
            if cur is not None:
                c = QTextCursor(cur)
                c.setPosition(cur.selectionStart())
                self.text.setTextCursor(c)
                self.text.ensureCursorVisible()

    def _cursor(self, start: int, end: int) -> QTextCursor | None:
        n = self.text.document().characterCount() - 1
        a, b = start - self._offset, end - self._offset
        if b <= 0 or a >= n:
            return None
        cur = QTextCursor(self.text.document())
        cur.setPosition(max(0, a))
        cur.setPosition(min(n, b), QTextCursor.MoveMode.KeepAnchor)
        return cur

    def _apply(self) -> None:
        """Only the spans near the visible text get selections: fast for any article length."""
        sels = []
        lo, hi = self._visible_range()
        i = bisect_left(self._starts, lo - self._longest)
        j = bisect_right(self._starts, hi)
        for name, a, b in self._spans[i:j]:
            cur = self._cursor(a, b)
            if cur is None:
                continue
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            colour = QColor(self._colours.get(name, QColor("#ffe082")))
            colour.setAlpha(110)
            fmt.setBackground(colour)
            fmt.setToolTip(name)
            sel.format, sel.cursor = fmt, cur
            sels.append(sel)
        if self._focus:
            cur = self._cursor(*self._focus)
            if cur is not None:
                sel = QTextEdit.ExtraSelection()
                fmt = QTextCharFormat()
                fmt.setBackground(QColor("#ff9800"))
                fmt.setFontUnderline(True)
                sel.format, sel.cursor = fmt, cur
                sels.append(sel)
        self.text.setExtraSelections(sels)

    # ------------------------------------------------------------- selection
    def selection(self) -> tuple[int, int, str] | None:
        """The selected text as (start, end, text) in whole-text offsets, stripped of outer spaces."""
        cur = self.text.textCursor()
        if not cur.hasSelection():
            return None
        a, b = cur.selectionStart() + self._offset, cur.selectionEnd() + self._offset
        raw = self._text[a:b]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw) - len(raw.rstrip())
        a, b = a + lead, b - trail
        return (a, b, self._text[a:b]) if b > a else None

    def select_span(self, start: int, end: int) -> None:
        cur = self._cursor(start, end)
        if cur is not None:
            self.text.setTextCursor(cur)

    def toggle_whole_page(self) -> None:
        if self.whole_page.isEnabled():
            self.whole_page.toggle()

    def _on_text_context_menu(self, pos) -> None:
        menu = self.text.createStandardContextMenu()
        sel = self.selection()
        menu.addSeparator()
        for name, label in self._fields:
            act = QAction(f"Use as {label.lower()}", menu)
            act.setEnabled(sel is not None)
            if sel is not None:
                act.triggered.connect(lambda _c=False, n=name, s=sel: self.fill_requested.emit(n, s[0], s[1]))
            menu.addAction(act)
        menu.exec(self.text.mapToGlobal(pos))
        menu.deleteLater()

    def context_menu_actions(self) -> QMenu:
        """For tests: the 'Use as' menu the context menu would show."""
        menu = QMenu(self)
        sel = self.selection()
        for name, label in self._fields:
            act = menu.addAction(f"Use as {label.lower()}")
            if sel is not None:
                act.triggered.connect(lambda _c=False, n=name, s=sel: self.fill_requested.emit(n, s[0], s[1]))
        return menu


def _esc(s: str) -> str:
    return (s or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
