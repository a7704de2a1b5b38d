#include "CEditLine.h"

#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <signal.h>
#include <sys/ioctl.h>

struct PatronEditor {
    EditLine *el;
    History *history;
    HistEvent event;
    const char *prompt;
    int interrupted;
    patron_completer completer;
    char *paste;       /* the whole line after a multi-line paste, or NULL */
    int bracketed;     /* whether bracketed paste is switched on at the prompt */
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

/* Tab: ask the completer what fits the text before the cursor; replace the word being typed
   with its answer, and list the candidates under the line when there are several. */
static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    PatronEditor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    if (!editor || !editor->completer) return CC_REFRESH_BEEP;
    const LineInfo *info = el_line(el);
    size_t before = (size_t)(info->cursor - info->buffer);
    char *text = malloc(before + 1);
    if (!text) return CC_ERROR;
    memcpy(text, info->buffer, before);
    text[before] = 0;
    int erase = 0;
    char *listing = NULL;
    char *insert = editor->completer(text, &erase, &listing);
    free(text);
    unsigned char status = CC_REFRESH_BEEP;
    if (insert) {
        if (erase > 0) el_deletestr(el, erase);
        if (*insert) el_insertstr(el, insert);
        status = CC_REFRESH;
        free(insert);
    }
    if (listing) {
        fputs("\n", stdout);
        fputs(listing, stdout);
        fflush(stdout);
        free(listing);
        status = CC_REDISPLAY;
    }
    return status;
}

/* The start of a bracketed paste (ESC [ 200 ~): read to its end (ESC [ 201 ~) as text, so tabs
   and newlines are not keys. Text without a line end goes into the line being edited; text
   with line ends ends the line, and the whole of it waits in `paste` for the caller. */
static unsigned char paste(EditLine *el, int ch) {
    (void)ch;
    PatronEditor *editor = NULL;
    el_get(el, EL_CLIENTDATA, &editor);
    size_t size = 256, length = 0;
    wchar_t *text = malloc(size * sizeof *text);
    if (!text) return CC_ERROR;
    static const wchar_t end[] = L"\033[201~";
    const size_t endLength = 6;
    wchar_t c;
    while (el_wgetc(el, &c) == 1) {
        if (length + 1 >= size) {
            wchar_t *bigger = realloc(text, (size *= 2) * sizeof *text);
            if (!bigger) { free(text); return CC_ERROR; }
            text = bigger;
        }
        text[length++] = c == L'\r' ? L'\n' : c;
        if (length >= endLength && wmemcmp(text + length - endLength, end, endLength) == 0) { length -= endLength; break; }
    }
    text[length] = 0;
    int lines = 0;
    for (size_t i = 0; i < length; i++) if (text[i] == L'\n') lines++;
    if (lines == 0 || !editor) {
        el_winsertstr(el, text);
        free(text);
        return CC_REFRESH;
    }
    /* The line so far, with the pasted text at the cursor: its first line is shown and returned
       as the line read; the rest waits in `paste`. */
    const LineInfoW *info = el_wline(el);
    size_t before = (size_t)(info->cursor - info->buffer), after = (size_t)(info->lastchar - info->cursor);
    size_t total = before + length + after;
    wchar_t *whole = malloc((total + 1) * sizeof *whole);
    if (!whole) { free(text); return CC_ERROR; }
    wmemcpy(whole, info->buffer, before);
    wmemcpy(whole + before, text, length);
    wmemcpy(whole + before + length, info->cursor, after);
    whole[total] = 0;
    free(text);
    wchar_t *newline = wcschr(whole, L'\n');
    *newline = 0;
    el_cursor(el, (int)after);
    if (before + after > 0) el_deletestr(el, (int)(before + after));
    if (*whole) el_winsertstr(el, whole);
    const wchar_t *rest = newline + 1;
    size_t bytes = wcstombs(NULL, rest, 0);
    free(editor->paste);
    editor->paste = NULL;
    if (bytes != (size_t)-1 && (editor->paste = malloc(bytes + 1)) != NULL) wcstombs(editor->paste, rest, bytes + 1);
    free(whole);
    el_push(el, "\n");
    return CC_REFRESH;
}

void patron_editor_set_completer(PatronEditor *editor, patron_completer completer) {
    editor->completer = completer;
}

const char *patron_editor_take_paste(PatronEditor *editor) {
    static char *taken = NULL;
    free(taken);
    taken = editor->paste;
    editor->paste = NULL;
    return taken;
}

void patron_editor_prefill(PatronEditor *editor, const char *text) {
    /* Pushed back as a paste, so the paste key reads it as text: tabs stay tabs, not completion. */
    static const char start[] = "\033[200~", end[] = "\033[201~";
    size_t length = strlen(text);
    char *input = malloc(sizeof start + length + sizeof end);
    if (!input) return;
    memcpy(input, start, sizeof start - 1);
    memcpy(input + sizeof start - 1, text, length);
    memcpy(input + sizeof start - 1 + length, end, sizeof end);
    el_push(editor->el, input);
    free(input);
}

void patron_editor_bracketed_paste(PatronEditor *editor, int on) {
    editor->bracketed = on;
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
    el_set(editor->el, EL_ADDFN, "patron-complete", "complete the word before the cursor", complete);
    el_set(editor->el, EL_BIND, "^I", "patron-complete", NULL);
    el_set(editor->el, EL_ADDFN, "patron-paste", "take pasted text as text", paste);
    el_set(editor->el, EL_BIND, "\\e[200~", "patron-paste", NULL);
    /* Ctrl-R searches back through the history as you type, as in bash. */
    el_set(editor->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
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
    if (editor->bracketed) { fputs("\033[?2004h", stdout); fflush(stdout); }
    const char *line = el_gets(editor->el, &count);
    if (editor->bracketed) { fputs("\033[?2004l", stdout); fflush(stdout); }
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
    free(editor->paste);
    free(editor);
}

int patron_isatty(int fd) { return isatty(fd); }

int patron_terminal_width(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
    return 0;
}
