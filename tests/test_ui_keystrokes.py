"""Code the five seed articles to their gold coding through the real widgets, counting keystrokes and clicks.

Run once with the suggestion engine and once with an empty form; both counts
are printed (``pytest -s``) and the coding in the database must equal the gold
coding field by field (as agreement compares them: free-text notes and the
evidence sentences are not compared and not typed).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator import values as V
from annotator.coding import CodingStore
from annotator.suggestions import candidates

from tests.shared import GOLD, SEEDS  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "resources" / "samples"
SETS = {  # name: (article folder, gold codings)
    "seed": (SEEDS, GOLD),                                               # the real articles in ../shared
    "sample": (SAMPLES / "articles", SAMPLES / "codings_ana.json"),      # our own demo articles, always present
}
SKIP_TYPES = ("text", "evidence")


def gold_articles(gold: Path = GOLD) -> list[dict]:
    if not gold.exists():
        pytest.skip(f"gold coding missing ({gold})")
    return json.loads(gold.read_text(encoding="utf-8"))


def seed_project_imported(tmp_path, folder: Path = SEEDS):
    from annotator.db.project import Project
    from annotator.importer import import_paths
    project = Project.create(tmp_path / "keys.annotator")
    import_paths(project, sorted(folder.glob("*.txt")))
    return project


class Coder:
    """Drives the window like a keyboard user and counts every key press and mouse action."""

    def __init__(self, win, qtbot):
        self.win, self.qtbot = win, qtbot
        self.keys = 0
        self.clicks = 0
        self.per_field: dict[str, int] = {}

    # ------------------------------------------------------------- primitives
    def shortcut(self, action: str) -> None:
        """Press the action's first shortcut on the focused widget (the window must be active)."""
        self.keys += 1
        combo = self.win.action_map[action].shortcuts()[0][0]
        target = QApplication.focusWidget() or self.win
        fired = []

        def seen(*_a):
            fired.append(1)

        act = self.win.action_map[action]
        act.triggered.connect(seen)
        QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
        act.triggered.disconnect(seen)
        if not fired:  # fall back, so a failing shortcut shows up as a test failure below, not a hang
            raise AssertionError(f"the shortcut of {action} did not reach the window from {target!r}")

    def goto(self, event_id, field) -> None:
        """Move the focus to a field: F8 / Shift+F8 per field passed, or F7 / Shift+F7 per event and then F8."""
        form = self.win.form
        keys = form.keys()
        target = keys.index((event_id, field))
        cur = keys.index(form.current) if form.current in keys else 0
        cost = abs(target - cur)
        events = [b.ev_state.id for b in form.event_boxes]
        if event_id in events:
            cur_ev = form.current[0] if form.current and form.current[0] in events else None
            jumps = (abs(events.index(event_id) - events.index(cur_ev)) if cur_ev is not None
                     else events.index(event_id) + 1)
            in_event = [f.name for f in self.win.codebook.event_fields].index(field)
            if jumps:
                cost = min(cost, jumps + in_event)
        self.keys += cost
        form.focus_field(event_id, field)

    def type_into(self, widget, text: str) -> None:
        widget.setFocus()
        if hasattr(widget, "lineEdit") and widget.lineEdit() is not None:
            widget = widget.lineEdit()

        if widget.text():
            self.keys += 1  # Ctrl+A: replace what is there
            widget.selectAll()
            QTest.keyClick(widget, Qt.Key.Key_Backspace)
            self.keys += 1
        for ch in text:  # QTest cannot send characters outside Latin-1: those are inserted (one key each)
            if ord(ch) < 128:
                QTest.keyClicks(widget, ch)
            else:
                widget.insert(ch)
                widget.textEdited.emit(widget.text())
            self.keys += 1

    # ------------------------------------------------------------- fields
    def pick_alternative(self, event_id, field, gold: dict) -> bool:
        """F4 opens the field's ranked alternatives, a digit picks one: two keys."""
        row = self.win.form.row(event_id, field.name)
        for i, (value, _span) in enumerate(candidates(self.win.ctrl.result, field)[:9]):
            if self.matches(field, value, gold):
                act = next(a for a in self.win.form.alternative_actions(event_id, field.name)
                           if a.text().startswith(f"&{i + 1} "))
                self.keys += 2
                act.trigger()
                return True
        return False

    def select_and_fill(self, event_id, field, words: str) -> bool:
        """Drag over the words in the article (one mouse action) and press the field's shortcut."""
        text = self.win.ctrl.record["text"]
        i = text.find(words)
        if i < 0:
            return False
        self.win.view.text.setFocus()  # the drag puts the focus in the article text
        self.win.view.select_span(i, i + len(words))
        self.clicks += 1
        self.shortcut(f"fill_{field.name}")
        return True

    def complete_category(self, ed, field, want: str) -> bool:
        """Type the shortest piece that makes the completer offer ``want`` first, then Down + Enter."""
        words = list(field.choices) + [a for e in field.vocabulary for a in e.aliases]
        target = field.resolve(want)
        if not target:
            return False
        for k in range(1, len(want)):
            piece = want[:k].casefold()
            hits = [w for w in words if piece in w.casefold()]
            if hits and field.resolve(hits[0]) == target:
                if k + 2 >= len(want):
                    return False
                self.type_into(ed.combo, want[:k])
                ed.combo.setEditText(hits[0])  # what Down + Enter in the completer pop-up does
                self.keys += 2
                return True
        return False

    def set_field(self, event_id, field, gold: dict) -> None:
        before = self.keys
        try:
            self._set_field(event_id, field, gold)
        finally:
            self.per_field[field.name] = self.per_field.get(field.name, 0) + self.keys - before

    def _set_field(self, event_id, field, gold: dict) -> None:
        form = self.win.form
        self.goto(event_id, field.name)
        row = form.row(event_id, field.name)
        ed = row.editor
        t = field.type
        if self.pick_alternative(event_id, field, gold):
            row = form.row(event_id, field.name)
            have = row.state.value if row.state else {}
            if self.matches(field, have, gold):
                return
            ed = row.editor
        words = {"multi": gold.get("text") if not gold.get("keys") else None, "place": gold.get("name"),
                 "count": gold.get("text"), "date": gold.get("text")}.get(t)
        if words and len(words) > 3 and field.shortcut and self.select_and_fill(event_id, field, words):
            row = form.row(event_id, field.name)
            have = row.state.value if row.state else {}
            if self.matches(field, have, gold):
                return
            ed = row.editor
            self.goto(event_id, field.name)
        if t == "boolean":
            want = {True: Qt.CheckState.Checked, False: Qt.CheckState.Unchecked}.get(gold.get("value"),
                                                                                 Qt.CheckState.PartiallyChecked)
            while ed.box.checkState() != want:
                QTest.keyClick(ed.box, Qt.Key.Key_Space)
                self.keys += 1
        elif t == "category":
            want = gold.get("key") or gold.get("text") or ""
            if not self.complete_category(ed, field, want):
                self.type_into(ed.combo, want)
        elif t == "multi":
            keys = gold.get("keys") or []
            ed.keys.setFocus()
            while ed.chips():  # Backspace in the empty entry removes the last chip
                QTest.keyClick(ed.keys, Qt.Key.Key_Backspace)
                self.keys += 1
            for k in keys:
                self.type_into(ed.keys, k)
                QTest.keyClick(ed.keys, Qt.Key.Key_Return)
                self.keys += 1
            if not keys:
                self.keys += 1  # Tab to the words
                self.type_into(ed.words, gold.get("text") or "")
        elif t == "count":
            self.type_into(ed.words, gold.get("text") or "")
            for part, w in (("min", ed.min), ("max", ed.max)):
                self.keys += 1  # Tab
                shown = w.text().strip()
                want = "" if gold.get(part) is None else str(gold[part])
                if shown != want:
                    self.type_into(w, want)
        elif t == "place":
            self.type_into(ed.name, gold.get("name") or "")
            ed._on_name_finished()
            if (gold.get("admin1") or "") != ed.admin1.text():
                self.keys += 1
                self.type_into(ed.admin1, gold.get("admin1") or "")
        elif t == "date":
            self.type_into(ed.iso, gold.get("value") or "")
        else:
            self.type_into(ed.focus_widget(), str(gold.get("value") or ""))
        ed.flush()

    def matches(self, field, have: dict | None, gold: dict | None) -> bool:
        if V.comparable(field, have) != V.comparable(field, gold):
            return False
        if field.type == "place" and not V.is_empty(field, gold):
            return (have or {}).get("admin1") == gold.get("admin1")
        return True


def _gold_values(codebook, obj: dict, scope_fields) -> dict:
    out = {}
    for f in scope_fields:
        if f.type in SKIP_TYPES:
            continue
        out[f.name] = V.from_interchange(f, obj) or {}
    return out


def _score(codebook, have, gold) -> int:
    return sum(1 for f in codebook.event_fields if f.type not in SKIP_TYPES
               and not V.is_empty(f, gold.get(f.name)) and V.comparable(f, have.get(f.name)) == V.comparable(f, gold.get(f.name)))


def code_all(win, qtbot, gold: list[dict], with_suggestions: bool) -> Coder:
    coder = Coder(win, qtbot)
    cb = win.codebook
    by_file = {r.file_name: r.article_id for r in win.queue.model.rows()}
    first = True
    for g in gold:
        aid = by_file[g["file"]]
        if win.ctrl.article_id != aid:
            assert not first
            win.open_article(aid)  # (Ctrl+Enter of the previous article already moved here in order)
        first = False
        if with_suggestions:
            qtbot.waitUntil(lambda: win.ctrl.result is not None, timeout=20000)
        state = win.ctrl.state
        # article fields
        for f in cb.article_fields:
            if f.type in SKIP_TYPES:
                continue
            want = V.from_interchange(f, g) or {}
            have = state.values.get(f.name).value if state and state.values.get(f.name) else {}
            if f.name == "near_duplicate_of" and win.codebook.field(f.name).type == "article_ref" and want.get("value"):
                pass
            if not coder.matches(f, have, want):
                coder.set_field(None, f, want)
        # events: keep the best-matching proposals, dismiss the rest, add what is missing
        golds = [_gold_values(cb, e, cb.event_fields) for e in g["events"]]
        state = win.ctrl.state
        proposals = list(state.events) if state else []
        pairs, used = {}, set()
        for gi, gv in enumerate(golds):
            best = max(((_score(cb, {n: v.value for n, v in p.values.items()}, gv), p.id) for p in proposals
                        if p.id not in used), default=(0, None))
            if best[1] is not None and best[0] >= 2:
                pairs[gi] = best[1]
                used.add(best[1])
        for p in proposals:
            if p.id not in used:
                first_field = next(f.name for f in cb.event_fields)
                coder.goto(p.id, first_field)
                coder.shortcut("delete_event")
        for gi, gv in enumerate(golds):
            eid = pairs.get(gi)
            if eid is None:
                coder.shortcut("new_event")
                eid = win.ctrl.state.events[-1].id
            for f in cb.event_fields:
                if f.type in SKIP_TYPES:
                    continue
                ev = next(e for e in win.ctrl.state.events if e.id == eid)
                have = ev.values.get(f.name).value if ev.values.get(f.name) else {}
                if not coder.matches(f, have, gv[f.name]):
                    coder.set_field(eid, f, gv[f.name])
        if any(v.origin == "suggested" for v in win.ctrl.state.values.values()) or \
                any(e.proposed or any(v.origin == "suggested" for v in e.values.values()) for e in win.ctrl.state.events):
            coder.shortcut("accept_all")
        coder.shortcut("done_next")
    return coder


def check_against_gold(project, coder_name: str, gold: list[dict], win) -> None:
    store = CodingStore(project, coder_name)
    cb = project.codebook
    by_file = {r.file_name: r.article_id for r in win.queue.model.rows()}
    for g in gold:
        st = store.load(by_file[g["file"]])
        assert st.status == ("done" if g["events"] or g.get("relevant", True) else "not_relevant"), g["file"]
        for f in cb.article_fields:
            if f.type not in SKIP_TYPES:
                have = st.values.get(f.name).value if st.values.get(f.name) else {}
                assert V.comparable(f, have) == V.comparable(f, V.from_interchange(f, g) or {}), (g["file"], f.name)
        assert len(st.events) == len(g["events"]), g["file"]
        remaining = [{n: v.value for n, v in e.values.items()} for e in st.events]
        for ge in g["events"]:
            gv = _gold_values(cb, ge, cb.event_fields)
            want = {n: V.comparable(cb.field(n), v) for n, v in gv.items()}
            match = next((r for r in remaining if {n: V.comparable(cb.field(n), r.get(n)) for n in gv} == want), None)
            assert match is not None, (g["file"], ge)
            remaining.remove(match)
        assert all(v.origin != "suggested" for e in st.events for v in e.values.values())


@pytest.mark.parametrize("which", sorted(SETS))
def test_keystrokes_to_code_to_gold(which, make_window, tmp_path, qtbot, capsys):
    folder_in, gold_file = SETS[which]
    gold = gold_articles(gold_file)
    try:
        from annotator.suggest.engine import SuggestionEngine
    except ImportError:
        SuggestionEngine = None
    counts = {}
    for mode in ("empty form", "suggestions"):
        if mode == "suggestions" and SuggestionEngine is None:
            continue
        folder = tmp_path / mode.replace(" ", "_")
        folder.mkdir()
        project = seed_project_imported(folder, folder_in)
        engine = SuggestionEngine() if mode == "suggestions" else None
        win = make_window(project, engine, coder="keys")
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        if engine is not None:
            win.ctrl.open_article(win.ctrl.article_id)
        c = code_all(win, qtbot, gold, mode == "suggestions")
        check_against_gold(project, "keys", gold, win)
        counts[mode] = (c.keys, c.clicks)
        with capsys.disabled():
            print(f"\n{mode}: keys per field {c.per_field}")
        win.close()
        win.stop_worker()
        project.close()
    with capsys.disabled():
        for mode, (k, cl) in counts.items():
            print(f"\n{len(gold)} {which} articles coded to gold with {mode}: {k} keystrokes, {cl} clicks")
    if "suggestions" in counts:
        assert counts["suggestions"][0] < counts["empty form"][0]
