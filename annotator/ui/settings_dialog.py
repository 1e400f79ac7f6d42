"""File > Project settings: the spaCy model the suggestion engine loads (``annotator config`` as a dialog).

The choice is stored in the project file (so every coder's work package has it);
the window then rebuilds the engine in the background and recomputes the
suggestions, which are cached per engine version.
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from annotator import settings
from annotator.db.project import Project

RULES_ONLY = "none"


def installed_models() -> list[str]:
    """spaCy pipelines installed in this environment (names spacy.load accepts)."""
    try:
        import spacy.util
        return sorted(spacy.util.get_installed_models())
    except Exception:  # noqa: BLE001 - spaCy missing or broken: the rules still run
        return []


class SettingsDialog(QDialog):
    def __init__(self, project: Project, parent=None, models: list[str] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Project settings")
        self.project = project
        self.model = QComboBox(self)
        self.model.setObjectName("modelSetting")
        self.model.setEditable(True)  # a pipeline installed later, or under another name
        choices = list(dict.fromkeys([settings.DEFAULT_MODEL, *(models if models is not None
                                                                else installed_models()), RULES_ONLY]))
        for name in choices:
            label = name + ("  (default)" if name == settings.DEFAULT_MODEL else
                            "  (rules only, no statistical model)" if name == RULES_ONLY else "")
            self.model.addItem(label, name)
        current = settings.get(project, "model")
        i = self.model.findData(current)
        if i >= 0:
            self.model.setCurrentIndex(i)
        else:
            self.model.setEditText(current)
        form = QFormLayout()
        form.addRow("spaCy model:", self.model)
        note = QLabel("The English pipeline the suggestion engine loads (en_core_web_md, _lg or _trf once "
                      "installed with pip). Stored in the project file; suggestions are recomputed with the new "
                      "model in the background. ANNOTATOR_MODEL in the environment overrides it.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)

    def chosen_model(self) -> str:
        i = self.model.currentIndex()
        text = self.model.currentText().strip()
        if i >= 0 and text == self.model.itemText(i):
            return self.model.itemData(i)
        return text.split("  (")[0].strip()

    def apply(self) -> bool:
        """Store the choice; True when it changed."""
        new = self.chosen_model() or settings.DEFAULT_MODEL
        if new == settings.get(self.project, "model"):
            return False
        settings.set(self.project, "model", None if new == settings.DEFAULT_MODEL else new)
        return True
