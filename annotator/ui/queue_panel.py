"""The queue pane: status filter, text search and the article table."""
from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.ui.queue_data import STATUS_LABELS
from annotator.ui.queue_model import COL_DUP, COL_POS, COL_REL, COL_STATUS, COL_TITLE, ID_ROLE, QueueFilterProxy, QueueModel


class QueuePanel(QWidget):
    article_activated = Signal(str)
    search_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = QueueModel(self)
        self.proxy = QueueFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("All statuses", None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label.capitalize(), key)
        self.status.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status_filter(self.status.currentData()))
        self.search = QLineEdit()
        self.search.setObjectName("queueSearch")
        self.search.setPlaceholderText("Search articles (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text().strip()))
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._on_search_return)
        self.table = QTableView()
        self.table.setObjectName("queueTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # widths from the font, not from the contents: measuring every row costs seconds in a long queue
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        fm, hfm = self.table.fontMetrics(), header.fontMetrics()
        pad = fm.horizontalAdvance("M")
        for col, sample in ((COL_POS, "9999"), (COL_STATUS, "in progress"), (COL_REL, "0.00"), (COL_DUP, "≈")):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            header.resizeSection(col, max(fm.horizontalAdvance(sample), hfm.horizontalAdvance(title) + pad) + pad)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.clicked.connect(self._on_table_activated)
        top = QHBoxLayout()
        top.addWidget(self.status)
        top.addWidget(self.search, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)

    def _on_search_return(self) -> None:
        """Enter in the search box: search now and open the first article found."""
        self._search_timer.stop()
        self._open_first_hit = True
        self.search_changed.emit(self.search.text().strip())

    def search_applied(self) -> None:
        """The search answer is in the list (called by the window)."""
        if getattr(self, "_open_first_hit", False):
            self._open_first_hit = False
            ids = self.visible_ids()
            if ids:
                self.article_activated.emit(ids[0])

    def _on_table_current_changed(self, current, _previous) -> None:
        if self.table.hasFocus() and current.isValid():  # arrow keys in the queue open the article
            self._on_table_activated(current)

    def _on_table_activated(self, index) -> None:
        aid = index.data(ID_ROLE)
        if aid:
            self.article_activated.emit(aid)

    def sort_by_relevance(self) -> None:
        self.table.sortByColumn(COL_REL, Qt.SortOrder.DescendingOrder)

    def visible_ids(self) -> list[str]:
        proxy, model = self.proxy, self.model
        return [model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).article_id
                for r in range(proxy.rowCount())]

    def shown_row(self, article_id: str | None) -> int:
        """The row of ``article_id`` in the queue as shown (-1 when it is filtered out or unknown)."""
        src = self.model.row_of(article_id) if article_id else -1
        return self.proxy.mapFromSource(self.model.index(src, 0)).row() if src >= 0 else -1

    def next_unfinished(self, article_id: str | None, was_at: int = -1) -> str | None:
        """The next article after ``article_id`` in the queue as shown whose status is not finished, wrapping
        around. When the article has left the list (a status filter), the search starts at ``was_at``, the
        row it had. Walks only as far as it must, so it stays fast in a queue of tens of thousands."""
        n = self.proxy.rowCount()
        at = self.shown_row(article_id)
        start = at + 1 if at >= 0 else max(was_at, 0)
        for k in range(n):
            r = (start + k) % n
            row = self.model.row_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            if row.article_id != article_id and row.status not in ("done", "not_relevant", "flagged"):
                return row.article_id
        return None

    def select(self, article_id: str) -> None:
        src = self.model.row_of(article_id)
        if src < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(src, 0))
        if idx.isValid():
            self.table.selectionModel().setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(idx)

    def neighbour(self, article_id: str | None, step: int) -> str | None:
        """The article ``step`` rows away in the queue as shown (filtered and sorted); the first when
        ``article_id`` is not shown; None past either end."""
        n = self.proxy.rowCount()
        if not n:
            return None
        at = self.shown_row(article_id)
        if at < 0:
            return self.proxy.index(0, 0).data(ID_ROLE)
        i = at + step
        return self.proxy.index(i, 0).data(ID_ROLE) if 0 <= i < n else None
