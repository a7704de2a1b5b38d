#ifndef PATRON_CEDITLINE_H
#define PATRON_CEDITLINE_H

/// A line editor over libedit: prompt, history, emacs keys, ~/.editrc. Opaque to Swift.
typedef struct PatronEditor PatronEditor;

/// Sets LC_CTYPE from the environment, falling back to C.UTF-8 when that is not UTF-8,
/// so libedit accepts multibyte (e.g. Chinese) input. Returns 1 when a UTF-8 locale is in force.
int patron_use_utf8_locale(void);

/// Completes the text before the cursor: returns (malloc'd) the text that replaces the last
/// `*erase` characters, or NULL when nothing fits; sets `*listing` (malloc'd) to the candidates
/// to show under the line when there are several.
typedef char *(*patron_completer)(const char *before_cursor, int *erase, char **listing);

/// Opens an editor on the terminal; loads history from `history_path` when it is not NULL.
PatronEditor *patron_editor_open(const char *program, const char *history_path);

/// Reads one line with `prompt`. Returns NULL at end of input (Ctrl-D on an empty line).
/// Sets *interrupted to 1 when Ctrl-C discarded the line. The string stays valid until the next call.
const char *patron_editor_read(PatronEditor *editor, const char *prompt, int *interrupted);

/// Sets the function Tab calls.
void patron_editor_set_completer(PatronEditor *editor, patron_completer completer);

/// After a read that ended in a multi-line paste: the pasted lines after the one returned
/// (valid until the next call), else NULL.
const char *patron_editor_take_paste(PatronEditor *editor);

/// Puts `text` in the next line read, as if pasted there: editable, and run only on Enter.
void patron_editor_prefill(PatronEditor *editor, const char *text);

/// Switches bracketed paste on at the prompt (the terminal marks pasted text).
void patron_editor_bracketed_paste(PatronEditor *editor, int on);

/// The width of the terminal on `fd` in columns, or 0 when it is not a terminal.
int patron_terminal_width(int fd);

/// Adds an entry to the history.
void patron_editor_remember(PatronEditor *editor, const char *entry);

/// Saves the history; returns 0 on success, -1 on failure.
int patron_editor_save(PatronEditor *editor, const char *history_path);

/// Restores the terminal and frees the editor.
void patron_editor_close(PatronEditor *editor);

/// Whether a file descriptor is a terminal.
int patron_isatty(int fd);

#endif
