#pragma once

class QPlainTextEdit;

namespace kiket::ui {

/// A read-only, unwrapped text pane in the system's fixed-width font.
QPlainTextEdit *readOnlyTextPane();

} // namespace kiket::ui
