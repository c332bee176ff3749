"""IntroStudio's one visual language: the palette, the application stylesheet and the helpers pages use.

Applied once (`apply(app)` in app.py). Pages never set colours themselves: they mark a widget's role
(`primary(button)`, `tone(label, "problem")`, `surface(label, "media")`) and the stylesheet does the rest.
The palette is set explicitly, on the Fusion style, so the dark-on-light look holds when the OS is in dark mode.
Every text colour here is checked against its background for WCAG AA (4.5:1) by `contrast()` in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

MIN_POINT_SIZE = 10.0  # readable type: never smaller than this, whatever the desktop's default


@dataclass(frozen=True)
class Palette:
    """The app's colours (hex); each text colour is readable on the backgrounds it is used on."""

    window: str = "#F4F6F8"  # page background
    base: str = "#FFFFFF"  # fields, lists
    alt_base: str = "#EEF1F5"
    text: str = "#1B2430"
    muted: str = "#4E5866"  # summaries, placeholders, secondary text (7.0:1 on white)
    border: str = "#A9B3BF"
    accent: str = "#0A58A8"  # primary buttons, focus ring, links (6.6:1 on white)
    accent_hover: str = "#084886"
    accent_text: str = "#FFFFFF"
    selection: str = "#D3E4F7"  # selected rows: light, so every text colour stays readable on them
    selection_text: str = "#0E1A2B"
    done: str = "#1E5E24"  # a finished step
    next: str = "#0A4A8F"  # the step to do now
    stale: str = "#8A4300"  # out of date
    problem: str = "#A4001D"
    warning: str = "#7A4100"
    warning_bg: str = "#FFF4E5"
    media_bg: str = "#23272E"  # behind pictures and video
    media_text: str = "#E4E8EE"
    disabled_text: str = "#5A626E"  # 5:1 on the window background
    button: str = "#FFFFFF"
    button_hover: str = "#E8EEF6"


PALETTE = Palette()


def relative_luminance(colour: str | QColor | tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    if isinstance(colour, str):
        colour = QColor(colour)
    rgb = (colour.red(), colour.green(), colour.blue()) if isinstance(colour, QColor) else colour

    def channel(v: int) -> float:
        c = v / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: Any, bg: Any) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def qpalette(p: Palette = PALETTE) -> QPalette:
    """The QPalette for every colour group (active, inactive, disabled), independent of the OS theme."""
    pal = QPalette()
    R = QPalette.ColorRole
    roles = {R.Window: p.window, R.WindowText: p.text, R.Base: p.base, R.AlternateBase: p.alt_base,
             R.Text: p.text, R.Button: p.button, R.ButtonText: p.text, R.BrightText: p.accent_text,
             R.Highlight: p.selection, R.HighlightedText: p.selection_text, R.Link: p.accent,
             R.LinkVisited: "#5B2C91", R.ToolTipBase: p.base, R.ToolTipText: p.text,
             R.PlaceholderText: p.muted, R.Light: "#FFFFFF", R.Midlight: "#E3E7EC", R.Mid: p.border,
             R.Dark: "#7D8794", R.Shadow: "#4A525C", R.Accent: p.accent}
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in roles.items():
            pal.setColor(group, role, QColor(colour))
    for role, colour in roles.items():
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    for role in (R.WindowText, R.Text, R.ButtonText, R.PlaceholderText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.disabled_text))
    return pal


def stylesheet(p: Palette = PALETTE) -> str:
    """The one application stylesheet: calm spacing, a 2 px focus ring, primary buttons, tones."""
    return f"""
QWidget#pageContent, QWidget#startPanel {{ background: {p.window}; }}
QLabel#pageSummary, QLabel[tone="muted"] {{ color: {p.muted}; }}
QLabel[tone="problem"] {{ color: {p.problem}; }}
QLabel[tone="warning"] {{ color: {p.warning}; }}
QLabel[tone="notice"] {{ background: {p.warning_bg}; color: {p.warning}; padding: 8px;
    border: 1px solid #E0A24A; border-radius: 4px; }}
QLabel[surface="media"] {{ background: {p.media_bg}; color: {p.media_text}; }}
QLabel#stepState {{ padding: 4px 10px; border-radius: 10px; background: {p.alt_base}; color: {p.text}; }}
QLabel#stepState[state="done"] {{ color: {p.done}; }}
QLabel#stepState[state="stale"] {{ background: {p.warning_bg}; color: {p.stale}; }}
QPushButton {{ background: {p.button}; color: {p.text}; border: 1px solid {p.border}; border-radius: 5px;
    padding: 6px 14px; min-height: 22px; }}
QPushButton:hover {{ background: {p.button_hover}; }}
QPushButton:pressed {{ background: {p.selection}; }}
QPushButton:disabled {{ color: {p.disabled_text}; background: {p.alt_base}; border-color: #C9D0D8; }}
QPushButton[primary="true"] {{ background: {p.accent}; color: {p.accent_text}; border: 2px solid {p.accent};
    font-weight: 600; padding: 7px 18px; }}
QPushButton[primary="true"]:hover {{ background: {p.accent_hover}; border-color: {p.accent_hover}; }}
QPushButton[primary="true"]:disabled {{ background: #C5D3E2; color: #2F3A47; border-color: #C5D3E2; }}
QPushButton:focus {{ border: 2px solid {p.accent}; }}
QPushButton[primary="true"]:focus {{ border: 2px solid {p.selection_text}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ background: {p.base};
    color: {p.text}; border: 1px solid {p.border}; border-radius: 4px; padding: 3px 5px;
    placeholder-text-color: {p.muted}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus,
QDoubleSpinBox:focus, QListWidget:focus, QTableView:focus, QTableWidget:focus, QTreeView:focus,
QSlider:focus {{ border: 2px solid {p.accent}; }}
QCheckBox:focus, QRadioButton:focus {{ outline: none; border: 2px solid {p.accent}; border-radius: 3px; }}
QListWidget, QTableView, QTableWidget, QTreeView {{ background: {p.base}; color: {p.text};
    border: 1px solid {p.border}; border-radius: 4px; }}
QListWidget::item:selected, QTableView::item:selected, QTableWidget::item:selected {{
    background: {p.selection}; color: {p.selection_text}; }}
QListWidget#stepList {{ background: {p.alt_base}; border: none; border-right: 1px solid #D5DBE2;
    padding: 6px; }}
QListWidget#stepList::item {{ padding: 4px 6px; border-radius: 5px; }}
QListWidget#stepList::item:selected {{ background: {p.selection}; color: {p.selection_text};
    border-left: 3px solid {p.accent}; }}
QListWidget#stepList:disabled {{ background: {p.window}; }}
QListWidget#recentProjects {{ background: {p.window}; border: none; }}
QListWidget#recentProjects:focus {{ border: 2px solid {p.accent}; border-radius: 6px; }}
QListWidget#recentProjects::item {{ background: {p.base}; color: {p.text}; border: 1px solid {p.border};
    border-radius: 6px; padding: 6px; }}
QListWidget#recentProjects::item:selected {{ background: {p.selection}; color: {p.selection_text};
    border: 2px solid {p.accent}; }}
QToolTip {{ background: {p.base}; color: {p.text}; border: 1px solid {p.border}; }}
"""


def apply(app: QApplication) -> None:
    """Fusion style, the explicit palette, readable type and the stylesheet, for the whole application."""
    from PySide6.QtCore import Qt

    app.setStyle("Fusion")
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: tell Qt the app is light whatever the OS theme
        hints.setColorScheme(Qt.ColorScheme.Light)
    app.setPalette(qpalette())
    font = QFont(app.font())
    if 0 < font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
        app.setFont(font)
    app.setStyleSheet(stylesheet())


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def primary(button: QWidget, on: bool = True) -> QWidget:
    """Mark `button` as its page's main action (one per page)."""
    button.setProperty("primary", on)
    _repolish(button)
    return button


def tone(widget: QWidget, name: str | None) -> QWidget:
    """Colour a label's text by meaning: 'problem', 'warning', 'notice', 'muted' (None: plain)."""
    widget.setProperty("tone", name or "")
    _repolish(widget)
    return widget


def surface(widget: QWidget, name: str) -> QWidget:
    """Put a widget on a surface: 'media' (the dark area behind pictures and video)."""
    widget.setProperty("surface", name)
    _repolish(widget)
    return widget


def state_colour(state: str, is_next: bool = False) -> str:
    """The text colour of a step in the step list: done, out of date, next, or to do."""
    if state == "done":
        return PALETTE.done
    if state == "out of date":
        return PALETTE.stale
    return PALETTE.next if is_next else PALETTE.text


def file_link(path: Any, text: str) -> str:
    """A clickable link (rich text) that opens a folder or file in the system's file manager."""
    from html import escape

    from PySide6.QtCore import QUrl

    return f'<a href="{QUrl.fromLocalFile(str(path)).toString()}">{escape(text)}</a>'


def linked(text: str) -> str:
    """Plain text as rich text with every web address made a clickable link (line breaks kept)."""
    import re
    from html import escape

    out = escape(text).replace("\n", "<br>")
    return re.sub(r"(https?://[^\s<]+[^\s<.,;:)\]])", r'<a href="\1">\1</a>', out)
