"""Agreement dashboard: per-field alpha with its interval, percent agreement and n, and a bar chart.

The numbers are computed off the UI thread (``AgreementJob`` opens its own
connection to the project file and hands back the plain result dict of
``annotator.agreement.project.project_agreement``).  Rows are coloured
against Krippendorff's thresholds: alpha >= 0.800 good, >= 0.667 tentative,
below that low; undefined coefficients are grey with the reason as tooltip.
Clicking a row (or its bar) opens that field's disagreements (one window per field).
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QObject, QPointF, QRectF, QRunnable, QSize, Qt,
                            QThreadPool, Signal, Slot)
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

GOOD, TENTATIVE = 0.8, 0.667
COLOURS = {"good": "#cdebc9", "tentative": "#fff0b8", "low": "#f7c9c9", "undefined": "#e6e6e6"}
BAR_COLOURS = {"good": "#3c9a3c", "tentative": "#d9a400", "low": "#c94040", "undefined": "#9a9a9a"}
SPECIAL = ("relevant", "event_present", "event_count")
COLUMNS = ("Field", "Level", "Alpha", "95% interval", "% agreement", "Units", "Values")


def verdict(alpha: float | None) -> str:
    if alpha is None:
        return "undefined"
    return "good" if alpha >= GOOD else ("tentative" if alpha >= TENTATIVE else "low")


@dataclass
class AgreementRow:
    name: str
    level: str
    alpha: float | None
    ci: tuple[float, float] | None
    percent: float | None
    n_units: int
    n_values: int
    notes: list[str] = dc_field(default_factory=list)
    pairs: list[dict[str, Any]] = dc_field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict(self.alpha)


def rows_from_result(result: dict[str, Any]) -> list[AgreementRow]:
    """Relevance, event presence and count first, then the codebook fields in codebook order."""
    items = [(k, result[k]) for k in SPECIAL if isinstance(result.get(k), dict)]
    items += list((result.get("fields") or {}).items())
    out = []
    for name, d in items:
        ci = d.get("alpha_ci95")
        out.append(AgreementRow(name, d.get("level") or "", d.get("krippendorff_alpha"),
                                tuple(ci) if ci else None, d.get("percent_agreement"), int(d.get("n_units") or 0),
                                int(d.get("n_values") or 0), list(d.get("notes") or []), list(d.get("pairs") or [])))
    return out


def status_text(result: dict[str, Any]) -> str:
    """The dashboard's status line: what was compared, and what was left out (unfinished codings)."""
    n = result.get("n_articles", 0)
    unfinished = int(result.get("unfinished_codings") or 0)
    left_out = (f" {unfinished} unfinished coding{'s' if unfinished != 1 else ''} (new or in progress) "
                f"{'are' if unfinished != 1 else 'is'} left out until marked done." if unfinished else "")
    if not n:
        return ("No article is finished by two or more coders yet, so there is no agreement to show."
                + left_out)
    coders = ", ".join(result.get("coders") or [])
    return (f"{n} article{'s' if n != 1 else ''} finished by two or more coders ({coders}); "
            f"{result.get('n_aligned_events', 0)} aligned events." + left_out)


def _num(x: float | None) -> str:
    return "undefined" if x is None else f"{x:.3f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


class AgreementTableModel(QAbstractTableModel):
    """A thin table over ``AgreementRow`` objects."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[AgreementRow] = []

    def set_rows(self, rows: list[AgreementRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> AgreementRow:
        return self._rows[row]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.name
            if col == 1:
                return r.level
            if col == 2:
                return _num(r.alpha)
            if col == 3:
                return "" if r.ci is None else f"{r.ci[0]:.3f} – {r.ci[1]:.3f}"
            if col == 4:
                return "" if r.percent is None else f"{100 * r.percent:.1f}%"
            if col == 5:
                return str(r.n_units)
            if col == 6:
                return str(r.n_values)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(COLOURS[r.verdict]))
        if role == Qt.ItemDataRole.ToolTipRole:
            head = {"good": "alpha >= 0.800: reliable", "tentative": "0.667 <= alpha < 0.800: tentative conclusions only",
                    "low": "alpha < 0.667: not reliable", "undefined": "alpha undefined"}[r.verdict]
            pairs = [f"{' – '.join(p['coders'])}: agreement {_pct(p.get('percent_agreement'))}, "
                     f"alpha {_num(p.get('krippendorff_alpha'))} ({p.get('n_units', 0)} units)" for p in r.pairs]
            return "\n".join([head, *r.notes, *(["by pair of coders:"] + pairs if pairs else [])])
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AlphaBarChart(QWidget):
    """Horizontal bars of alpha per field with the 95% interval and the 0.667 / 0.8 lines."""

    field_clicked = Signal(str)

    LABEL_W, ROW_H, PAD = 120, 20, 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[AgreementRow] = []
        self.setMinimumHeight(120)
        self.setToolTip("Krippendorff's alpha per field; lines at 0.667 and 0.800; whiskers = 95% interval")

    def set_rows(self, rows: list[AgreementRow]) -> None:
        self._rows = list(rows)
        self.setMinimumHeight(2 * self.PAD + self.ROW_H * (len(rows) + 1))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 2 * self.PAD + self.ROW_H * (len(self._rows) + 1))

    def _x(self, value: float) -> float:
        left = self.LABEL_W + self.PAD
        width = max(10.0, self.width() - left - 3 * self.PAD - 40)
        return left + width * max(0.0, min(1.0, value))

    def bar_rect(self, i: int) -> QRectF:
        """The bar of row ``i`` (its full row band, for clicks)."""
        top = self.PAD + self.ROW_H * i
        return QRectF(0, top, self.width(), self.ROW_H)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        n = len(self._rows)
        bottom = self.PAD + self.ROW_H * n
        for i, r in enumerate(self._rows):
            top = self.PAD + self.ROW_H * i
            p.setPen(QColor("black"))
            p.drawText(QRectF(2, top, self.LABEL_W, self.ROW_H),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), r.name)
            if r.alpha is None:
                p.setPen(QColor(BAR_COLOURS["undefined"]))
                p.drawText(QRectF(self._x(0) + 4, top, 200, self.ROW_H), int(Qt.AlignmentFlag.AlignVCenter), "undefined")
                continue
            x0, x1 = self._x(0), self._x(r.alpha)
            p.fillRect(QRectF(x0, top + 4, max(1.0, x1 - x0), self.ROW_H - 8), QColor(BAR_COLOURS[r.verdict]))
            if r.ci is not None:
                p.setPen(QPen(QColor("#333333"), 1))
                y = top + self.ROW_H / 2
                a, b = self._x(r.ci[0]), self._x(r.ci[1])
                p.drawLine(QPointF(a, y), QPointF(b, y))
                p.drawLine(QPointF(a, y - 4), QPointF(a, y + 4))
                p.drawLine(QPointF(b, y - 4), QPointF(b, y + 4))
            p.setPen(QColor("black"))
            p.drawText(QRectF(self._x(1.0) + 4, top, 40, self.ROW_H), int(Qt.AlignmentFlag.AlignVCenter), f"{r.alpha:.2f}")
        for value, colour in ((TENTATIVE, BAR_COLOURS["tentative"]), (GOOD, BAR_COLOURS["good"])):
            p.setPen(QPen(QColor(colour), 1, Qt.PenStyle.DashLine))
            x = self._x(value)
            p.drawLine(QPointF(x, self.PAD), QPointF(x, bottom))
            p.drawText(QRectF(x - 20, bottom, 40, self.ROW_H), int(Qt.AlignmentFlag.AlignCenter), f"{value:g}")
        p.setPen(QColor("#666666"))
        p.drawLine(QPointF(self._x(0), self.PAD), QPointF(self._x(0), bottom))
        p.end()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        for i, r in enumerate(self._rows):
            if self.bar_rect(i).contains(pos):
                self.field_clicked.emit(r.name)
                return
        super().mousePressEvent(event)


def open_for_reading(path: str):
    """A read-only connection to the project file for a worker thread.

    Read-only and without ``Project.open``'s write check, so computing
    agreement never takes a write lock while coders are saving (WAL readers do
    not block writers).
    """
    from pathlib import Path

    from sqlalchemy import create_engine

    from annotator.db.project import Project, ProjectError

    p = Path(path)
    if not p.is_file():
        raise ProjectError(f"{p}: no such file")
    engine = create_engine(f"sqlite:///file:{p}?mode=ro&uri=true",
                           connect_args={"timeout": 5.0, "check_same_thread": False})
    return Project(p, engine)


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class AgreementJob(QRunnable):
    """Computes ``project_agreement`` on its own connection to the project file."""

    def __init__(self, project_path: str, n_boot: int = 1000):
        super().__init__()
        self.project_path, self.n_boot = project_path, n_boot
        self.signals = JobSignals()

    def run(self) -> None:
        try:
            from annotator.agreement.project import project_agreement

            project = open_for_reading(self.project_path)
            try:
                result = project_agreement(project, n_boot=self.n_boot)
            finally:
                project.close()
            self.signals.done.emit(result)
        except Exception as exc:  # noqa: BLE001 - reported in the view as one sentence
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.signals.failed.emit(msg if self.project_path in msg else f"{self.project_path}: {msg}")


class AgreementView(QWidget):
    """The supervisor's agreement dashboard for one project."""

    computed = Signal(object)          # the result dict
    failed = Signal(str)
    disagreements_requested = Signal(str)

    def __init__(self, project, parent: QWidget | None = None, *, decided_by: str | None = None,
                 pool: QThreadPool | None = None, n_boot: int = 1000, autostart: bool = True,
                 open_disagreements: bool = True):
        super().__init__(parent)
        self.project = project
        self.decided_by = decided_by or getattr(parent, "coder_name", None) or "supervisor"
        self.n_boot = n_boot
        self.open_disagreements = open_disagreements
        self.pool = pool or QThreadPool(self)
        self.result: dict[str, Any] | None = None
        self._job: AgreementJob | None = None
        self._windows: list[QWidget] = []
        self._by_field: dict[str, QWidget] = {}
        self.setWindowTitle(f"Agreement — {getattr(project, 'name', '')}")

        self.status = QLabel("Computing agreement…")
        self.status.setObjectName("agreementStatus")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Recompute")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)

        self.model = AgreementTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("agreementTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.activated.connect(self._on_table_activated)
        self.table.clicked.connect(self._on_table_activated)
        self.chart = AlphaBarChart()
        self.chart.field_clicked.connect(self._on_chart_field_clicked)
        self.legend = QLabel("Click a field (or its bar) to see its disagreements. "
                             "Green: alpha ≥ 0.800; yellow: ≥ 0.667 (tentative); red: below; grey: undefined.")
        self.legend.setWordWrap(True)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([360, 360])
        self.table.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.legend)
        self.resize(760, 640)
        if autostart:
            self.refresh()

    # ------------------------------------------------------------- computing
    @Slot()
    def refresh(self) -> None:
        if self._job is not None:
            return
        self.status.setText("Computing agreement…")
        self.refresh_button.setEnabled(False)
        job = AgreementJob(str(self.project.path), self.n_boot)
        job.signals.done.connect(self._on_job_done)
        job.signals.failed.connect(self._on_job_failed)
        self._job = job
        self.pool.start(job)

    @Slot(object)
    def _on_job_done(self, result: dict) -> None:
        self._job = None
        self.refresh_button.setEnabled(True)
        self.show_result(result)
        self.computed.emit(result)

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._job = None
        self.refresh_button.setEnabled(True)
        self.status.setText(f"Agreement could not be computed: {message}")
        self.failed.emit(message)

    def show_result(self, result: dict) -> None:
        self.result = result
        rows = rows_from_result(result)
        self.model.set_rows(rows)
        self.chart.set_rows(rows)
        self.status.setText(status_text(result))

    # ------------------------------------------------------------- disagreements
    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.request_disagreements(self.model.row_at(index.row()).name)

    @Slot(str)
    def _on_chart_field_clicked(self, name: str) -> None:
        self.request_disagreements(name)

    def request_disagreements(self, name: str) -> None:
        field = "event_present" if name == "event_count" else name
        self.disagreements_requested.emit(field)
        if not self.open_disagreements:
            return
        from annotator.ui.disagreement_view import DisagreementView

        view = self._by_field.get(field)
        if view is not None and view.isVisible():
            view.raise_()
            view.activateWindow()
            return
        view = DisagreementView(self.project, self, field=field, decided_by=self.decided_by, pool=self.pool)
        view.setWindowFlag(Qt.WindowType.Window)
        self._windows.append(view)
        self._by_field[field] = view
        view.show()

    # ------------------------------------------------------------- life cycle
    def shutdown(self) -> None:
        """Wait for a running computation (call before the project is closed)."""
        self.pool.waitForDone()
        for w in self._windows:
            if hasattr(w, "shutdown"):
                w.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)


def show_view(window: QWidget, project) -> AgreementView:
    """Open the dashboard as its own window (called by the main window's View menu)."""
    view = AgreementView(project, window, decided_by=getattr(window, "coder_name", None))
    view.setWindowFlag(Qt.WindowType.Window)
    view.show()
    return view
