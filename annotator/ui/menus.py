"""Menus and shortcuts of the coding window (every action has a menu entry)."""
from __future__ import annotations

import importlib.util

from PySide6.QtGui import QAction, QKeySequence

# (menu, key, text, shortcuts, method name or callable(win))
ACTIONS = [
    ("&File", "new_project", "&New project…", ["Ctrl+Alt+N"], "new_project_dialog"),
    ("&File", "open_project", "&Open project…", ["Ctrl+O"], "open_project_dialog"),
    ("&File", "import", "&Import articles…", ["Ctrl+I"], "import_articles_dialog"),
    ("&File", "export", "&Export…", ["Ctrl+Alt+E"], "export_dialog"),
    ("&File", "switch_coder", "S&witch coder…", [], "switch_coder_dialog"),
    ("&File", "settings", "Project se&ttings…", [], "settings_dialog"),
    ("&File", "save", "&Save (every edit is already saved)", ["Ctrl+S"], lambda w: w.ctrl.save_now()),
    ("&File", "quit", "&Quit", ["Ctrl+Q"], "close"),
    ("&Edit", "undo", "&Undo", ["Ctrl+Z"], lambda w: (w.form.flush(), w.undo.undo())),
    ("&Edit", "redo", "&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], lambda w: (w.form.flush(), w.undo.redo())),
    ("&Edit", "find", "&Find in articles", ["Ctrl+F"], lambda w: (w.queue.search.setFocus(), w.queue.search.selectAll())),
    ("Cod&ing", "accept_all", "Accept &all suggestions", ["Ctrl+Shift+A"], lambda w: w.ctrl.accept_all()),
    ("Cod&ing", "accept_field", "Accept suggestion in this &field", ["Ctrl+Shift+F"], lambda w: w.ctrl.accept_field()),
    ("Cod&ing", "accept_event", "Accept this &event", ["Ctrl+Shift+E"], lambda w: w.ctrl.accept_event()),
    ("Cod&ing", "reject_field", "&Reject / clear this field", ["Ctrl+Shift+R"], lambda w: w.ctrl.reject_field()),
    ("Cod&ing", "alternatives", "Show al&ternatives for this field", ["F4"], lambda w: w.form.show_alternatives()),
    ("Cod&ing", None, None, None, None),
    ("Cod&ing", "new_event", "&New event", ["Ctrl+E"], lambda w: w.ctrl.add_event()),
    ("Cod&ing", "duplicate_event", "&Duplicate event", ["Ctrl+D"], lambda w: w.ctrl.duplicate_event()),
    ("Cod&ing", "delete_event", "Delete event / dismiss &proposal", ["Ctrl+Shift+Del", "Ctrl+Shift+D"],
     lambda w: w.ctrl.delete_event()),
    ("Cod&ing", "event_up", "Move event &up", ["Ctrl+Shift+Up"], lambda w: w.ctrl.move_event(None, -1)),
    ("Cod&ing", "event_down", "Move event do&wn", ["Ctrl+Shift+Down"], lambda w: w.ctrl.move_event(None, 1)),
    ("Cod&ing", None, None, None, None),
    ("Cod&ing", "done_next", "Mark &done and open the next article", ["Ctrl+Return", "Ctrl+Enter"],
     "mark_done_and_next"),
    ("Cod&ing", "not_relevant", "Mark not re&levant", ["Ctrl+Shift+N"], lambda w: w.ctrl.mark_not_relevant()),
    ("Cod&ing", "flag", "Fla&g for supervisor (on / off)", ["Ctrl+G"], lambda w: w.ctrl.toggle_flag()),
    ("Cod&ing", "in_progress", "Mark &in progress", ["Ctrl+Shift+I"], lambda w: w.ctrl.set_status("in_progress")),
    ("&Go", "next_article", "&Next article", ["Ctrl+PgDown", "Alt+Right"], lambda w: w.go(1)),
    ("&Go", "prev_article", "&Previous article", ["Ctrl+PgUp", "Alt+Left"], lambda w: w.go(-1)),
    ("&Go", "next_field", "Next &field", ["F8"], lambda w: w.form.focus_step(1)),
    ("&Go", "prev_field", "Previous fi&eld", ["Shift+F8"], lambda w: w.form.focus_step(-1)),
    ("&Go", "next_event", "Next e&vent", ["F7"], lambda w: w.form.focus_event_step(1)),
    ("&Go", "prev_event", "Previous eve&nt", ["Shift+F7"], lambda w: w.form.focus_event_step(-1)),
    ("&Go", "focus_queue", "&Queue", ["Ctrl+1"], lambda w: w.queue.table.setFocus()),
    ("&Go", "focus_article", "&Article text", ["Ctrl+2"], lambda w: w.view.text.setFocus()),
    ("&Go", "focus_form", "Coding f&orm", ["Ctrl+3"],
     lambda w: w.form.focus_field(*(w.form.current or (w.form.keys() or [(None, "")])[0]))),
    ("&View", "whole_page", "&Whole page / article body", ["Ctrl+Shift+W"], lambda w: w.view.toggle_whole_page()),
    ("&View", "sort_relevance", "Sort queue by &relevance", ["Ctrl+Shift+S"], lambda w: w.queue.sort_by_relevance()),
    ("&View", "agreement", "&Agreement…", [], lambda w: w.open_optional_view("agreement_view")),
    ("&View", "disagreement", "&Disagreements…", [], lambda w: w.open_optional_view("disagreement_view")),
    ("&Supervisor", "assign", "&Assign articles to coders…", [], "assign_dialog"),
    ("&Supervisor", "make_package", "Make work &package for a coder…", [], "package_dialog"),
    ("&Supervisor", "merge", "&Merge coder files…", [], "merge_dialog"),
    ("&Supervisor", "patterns", "&Learned patterns…", [], "patterns_dialog"),
    ("&Help", "shortcuts", "&Keyboard shortcuts", ["F1"], "show_shortcuts"),
    ("&Help", "about", "&About annotator", [], "show_about"),
]
OPTIONAL = {"export": "annotator.ui.export_dialog", "assign": "annotator.ui.assign_dialog", "agreement": "annotator.ui.agreement_view",
            "disagreement": "annotator.ui.disagreement_view"}


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def build_menus(win) -> None:
    bar = win.menuBar()
    menus = {}
    for menu_name, key, text, keys, target in ACTIONS:
        menu = menus.get(menu_name) or bar.addMenu(menu_name)
        menus[menu_name] = menu
        if key is None:
            menu.addSeparator()
            continue
        if key in OPTIONAL and not _available(OPTIONAL[key]):
            continue
        act = QAction(text, win)
        act.setObjectName(f"action_{key}")
        if keys:
            act.setShortcuts([QKeySequence(k) for k in keys])
        fn = getattr(win, target) if isinstance(target, str) else (lambda _c=False, t=target: t(win))
        act.triggered.connect(fn if not isinstance(target, str) else (lambda _c=False, f=fn: f()))
        menu.addAction(act)
        win.addAction(act)
        win.action_map[key] = act
        if menu_name == "&File" and key == "import":
            win.recent_menu = menu.addMenu("&Recent projects")
            win.recent_menu.aboutToShow.connect(lambda: _fill_recent(win))
    # the codebook's field shortcuts: fill a field from the selected article words
    fill = menus["Cod&ing"].addMenu("Fill from &selection")
    for f in win.codebook.fields:
        if not f.shortcut:
            continue
        act = QAction(f"Use as {f.label.lower()}", win)
        act.setObjectName(f"action_fill_{f.name}")
        act.setShortcut(QKeySequence(f.shortcut))
        act.triggered.connect(lambda _c=False, n=f.name: win.ctrl.fill_from_selection(n))
        fill.addAction(act)
        win.addAction(act)
        win.action_map[f"fill_{f.name}"] = act
    ev_fields = [f for f in win.codebook.fields if f.type == "evidence"]
    if ev_fields:
        act = QAction(f"Add selection to {ev_fields[0].label.lower()}", win)
        act.setShortcut(QKeySequence("Ctrl+Shift+V"))
        act.triggered.connect(lambda _c=False, n=ev_fields[0].name: win.ctrl.fill_from_selection(n))
        fill.addAction(act)
        win.addAction(act)
        win.action_map[f"fill_{ev_fields[0].name}"] = act


def _fill_recent(win) -> None:
    from annotator.ui.app import recent_projects
    win.recent_menu.clear()
    for path in recent_projects(win.settings):
        act = win.recent_menu.addAction(path)
        act.triggered.connect(lambda _c=False, p=path: win.project_requested.emit(p, False))
    if win.recent_menu.isEmpty():
        win.recent_menu.addAction("(none)").setEnabled(False)
