#ifndef PATRON_CEDITLINE_H
#define PATRON_CEDITLINE_H

/// A line editor over libedit: prompt, history, emacs keys, ~/.editrc. Opaque to Swift.
typedef struct PatronEditor PatronEditor;

/// Sets LC_CTYPE from the environment, falling back to C.UTF-8 when that is not UTF-8,
/// so libedit accepts multibyte (e.g. Chinese) input. Returns 1 when a UTF-8 locale is in force.
int patron_use_utf8_locale(void);

/// Opens an editor on the terminal; loads history from `history_path` when it is not NULL.
PatronEditor *patron_editor_open(const char *program, const char *history_path);

/// Reads one line with `prompt`. Returns NULL at end of input (Ctrl-D on an empty line).
/// Sets *interrupted to 1 when Ctrl-C discarded the line. The string stays valid until the next call.
const char *patron_editor_read(PatronEditor *editor, const char *prompt, int *interrupted);

/// Adds an entry to the history.
void patron_editor_remember(PatronEditor *editor, const char *entry);

/// Saves the history; returns 0 on success, -1 on failure.
int patron_editor_save(PatronEditor *editor, const char *history_path);

/// Restores the terminal and frees the editor.
void patron_editor_close(PatronEditor *editor);

/// Whether a file descriptor is a terminal.
int patron_isatty(int fd);

#endif
