"""Supervisor > Assign articles: the ``annotator assign`` command as a dialog.

Coders (existing ones ticked off a list, new ones typed in), the double-coded
share or the number of coders per article, the seed, and whether to replace
the existing assignments; a preview of the resulting balance updates as the
settings change. "Assign" writes the previewed plan in one transaction.
"""
from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QRadioButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from annotator.coding import coder_names
from annotator.db.project import Project
from annotator.workflow.assign import AssignError, AssignmentPlan, apply_plan, plan_assignment


class AssignDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.plan: AssignmentPlan | None = None
        self.applied: AssignmentPlan | None = None
        self.setWindowTitle("Assign articles to coders")

        # coders
        self.coder_list = QListWidget(self)
        self.coder_list.setObjectName("coderList")
        self.coder_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for name in coder_names(project):
            self._add_coder_item(name, checked=True)
        self.new_coder = QLineEdit(self)
        self.new_coder.setObjectName("newCoder")
        self.new_coder.setPlaceholderText("new coder's name")
        self.add_button = QPushButton("Add coder", self)
        self.add_button.clicked.connect(self.add_coder_from_field)
        self.new_coder.returnPressed.connect(self.add_coder_from_field)
        self.add_button.setAutoDefault(False)  # Return in the name field adds the coder, it does not assign
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_coder)
        add_row.addWidget(self.add_button)

        # how many coders per article
        self.overlap_radio = QRadioButton("Share coded by two coders", self)
        self.overlap = QDoubleSpinBox(self)
        self.overlap.setObjectName("overlap")
        self.overlap.setRange(0.0, 100.0)
        self.overlap.setDecimals(1)
        self.overlap.setSuffix(" %")
        self.overlap.setValue(20.0)
        self.per_article_radio = QRadioButton("Every article to", self)
        self.per_article = QSpinBox(self)
        self.per_article.setObjectName("perArticle")
        self.per_article.setRange(1, 50)
        self.per_article.setValue(2)
        self.per_article.setSuffix(" coders")
        self.overlap_radio.setChecked(True)
        self.seed = QSpinBox(self)
        self.seed.setObjectName("seed")
        self.seed.setRange(0, 999_999)
        self.seed.setValue(random.SystemRandom().randrange(1, 10**6))
        self.seed.setToolTip("The same seed with the same settings gives the same assignment")
        self.new_seed = QPushButton("New seed", self)
        self.new_seed.clicked.connect(lambda: self.seed.setValue(random.SystemRandom().randrange(1, 10**6)))
        self.new_seed.setAutoDefault(False)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed)
        seed_row.addWidget(self.new_seed)
        self.replace = QCheckBox("Replace existing assignments (otherwise only unassigned articles are handed out)",
                                 self)
        self.replace.setObjectName("replace")

        form = QFormLayout()
        form.addRow(self.overlap_radio, self.overlap)
        form.addRow(self.per_article_radio, self.per_article)
        form.addRow("Seed", seed_row)

        # preview
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("preview")
        self.table.setHorizontalHeaderLabels(["Coder", "New", "Total", "Double-coded"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Assign")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"{project.name}: tick the coders who get articles", self))
        lay.addWidget(self.coder_list)
        lay.addLayout(add_row)
        lay.addLayout(form)
        lay.addWidget(self.replace)
        lay.addWidget(QLabel("Preview", self))
        lay.addWidget(self.table)
        lay.addWidget(self.summary)
        lay.addWidget(self.buttons)
        self.resize(560, 620)

        self.coder_list.itemChanged.connect(self.update_preview)
        for w in (self.overlap, self.per_article, self.seed):
            w.valueChanged.connect(self.update_preview)
        for w in (self.overlap_radio, self.per_article_radio, self.replace):
            w.toggled.connect(self.update_preview)
        self.update_preview()

    # ----------------------------------------------------------------- coders
    def _add_coder_item(self, name: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(name, self.coder_list)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def add_coder_from_field(self) -> None:
        for name in (n.strip() for n in self.new_coder.text().split(",")):
            if not name:
                continue
            existing = self.coder_list.findItems(name, Qt.MatchFlag.MatchExactly)
            if existing:
                existing[0].setCheckState(Qt.CheckState.Checked)
            else:
                self._add_coder_item(name, checked=True)
        self.new_coder.clear()
        self.update_preview()

    def coders(self) -> list[str]:
        return [self.coder_list.item(i).text() for i in range(self.coder_list.count())
                if self.coder_list.item(i).checkState() == Qt.CheckState.Checked]

    # ----------------------------------------------------------------- preview
    def settings(self) -> dict:
        if self.per_article_radio.isChecked():
            return {"per_article": self.per_article.value(), "overlap": None}
        return {"overlap": self.overlap.value() / 100.0, "per_article": None}

    def update_preview(self, *_args) -> None:
        self.overlap.setEnabled(self.overlap_radio.isChecked())
        self.per_article.setEnabled(self.per_article_radio.isChecked())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        coders = self.coders()
        self.plan = None
        if not coders:
            self.table.setRowCount(0)
            self.summary.setText("Tick or add at least one coder.")
            ok.setEnabled(False)
            return
        try:
            self.plan = plan_assignment(self.project, coders, seed=self.seed.value(), replace=self.replace.isChecked(),
                                        **self.settings())
        except AssignError as exc:
            self.table.setRowCount(0)
            self.summary.setText(f"Cannot assign: {exc}")
            ok.setEnabled(False)
            return
        rows = self.plan.summary
        self.table.setRowCount(len(rows))
        for i, s in enumerate(rows):
            for j, v in enumerate((s.coder, s.new, s.total, s.shared)):
                item = QTableWidgetItem(str(v))
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        text = self.plan.format_table().split("\n\n", 1)[-1]
        if self.plan.n_new_articles == 0:
            text = "Every article is already assigned; tick \u201cReplace\u201d to hand them out afresh.\n" + text
        self.summary.setText(text)
        ok.setEnabled(self.plan.n_new_articles > 0 or self.plan.replace)

    # ----------------------------------------------------------------- apply
    def accept(self) -> None:
        if self.plan is None:
            return
        try:
            apply_plan(self.project, self.plan)
        except AssignError as exc:
            QMessageBox.warning(self, "Assign articles", str(exc))
            self.update_preview()
            return
        self.applied = self.plan
        super().accept()
