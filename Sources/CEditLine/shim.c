#include "CEditLine.h"

#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct PatronEditor {
    EditLine *el;
    History *history;
    HistEvent event;
    const char *prompt;
    int interrupted;
};

int patron_use_utf8_locale(void) {
    setlocale(LC_CTYPE, "");
    const char *codeset = nl_langinfo(CODESET);
    if (codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "C.utf8") || setlocale(LC_CTYPE, "en_US.UTF-8")) return 1;
    return 0;
}

static char *prompt_of(EditLine *el) {
    PatronEditor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    return (char *)(editor && editor->prompt ? editor->prompt : "");
}

/* Ctrl-C at the prompt: show ^C at the end of the line, then end the line (by queueing a
   newline, so libedit finishes the display as usual) marked as discarded. */
static unsigned char discard_line(EditLine *el, int ch) {
    (void)ch;
    PatronEditor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    const LineInfo *info = el_line(el);
    el_cursor(el, (int)(info->lastchar - info->cursor));
    el_insertstr(el, "^C");
    if (editor) editor->interrupted = 1;
    el_push(el, "\n");
    return CC_REFRESH;
}

PatronEditor *patron_editor_open(const char *program, const char *history_path) {
    PatronEditor *editor = calloc(1, sizeof *editor);
    if (!editor) return NULL;
    editor->el = el_init(program, stdin, stdout, stderr);
    if (!editor->el) {
        free(editor);
        return NULL;
    }
    editor->history = history_init();
    history(editor->history, &editor->event, H_SETSIZE, 2000);
    history(editor->history, &editor->event, H_SETUNIQUE, 1);
    if (history_path) history(editor->history, &editor->event, H_LOAD, history_path);
    el_set(editor->el, EL_CLIENTDATA, editor);
    el_set(editor->el, EL_PROMPT, prompt_of);
    el_set(editor->el, EL_EDITOR, "emacs");
    el_set(editor->el, EL_HIST, history, editor->history);
    el_set(editor->el, EL_SIGNAL, 1);
    /* The terminal must not turn Ctrl-C into SIGINT while a line is edited: we bind it instead. */
    el_set(editor->el, EL_SETTY, "-d", "-isig", NULL);
    el_set(editor->el, EL_ADDFN, "patron-discard-line", "discard the line being edited", discard_line);
    el_set(editor->el, EL_BIND, "^C", "patron-discard-line", NULL);
    el_source(editor->el, NULL); /* ~/.editrc, e.g. 'bind -v' for vi keys */
    return editor;
}

const char *patron_editor_read(PatronEditor *editor, const char *prompt, int *interrupted) {
    int count = 0;
    editor->prompt = prompt;
    editor->interrupted = 0;
    /* Put the terminal in edit mode before the prompt is printed (libedit otherwise does so only
       at the first key), so a key typed as soon as the prompt shows reaches the editor. */
    el_set(editor->el, EL_PREP_TERM, 1);
    const char *line = el_gets(editor->el, &count);
    *interrupted = editor->interrupted;
    if (line == NULL || count <= 0) return editor->interrupted ? "" : NULL;
    return line;
}

void patron_editor_remember(PatronEditor *editor, const char *entry) {
    history(editor->history, &editor->event, H_ENTER, entry);
}

int patron_editor_save(PatronEditor *editor, const char *history_path) {
    return history(editor->history, &editor->event, H_SAVE, history_path) < 0 ? -1 : 0;
}

void patron_editor_close(PatronEditor *editor) {
    if (!editor) return;
    el_end(editor->el);
    history_end(editor->history);
    free(editor);
}

int patron_isatty(int fd) { return isatty(fd); }
