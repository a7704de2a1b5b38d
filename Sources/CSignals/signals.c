#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "CSignals.h"

static char pending[4096];
static volatile sig_atomic_t active = 0;
static int installed = 0;

static void remove_and_end(int sig) {
    if (active) unlink(pending);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Only where the signal would end the process: a handler someone set (the prompt's Ctrl-C) or
   an ignored signal stays as it is. */
static void install(int sig) {
    struct sigaction old;
    if (sigaction(sig, NULL, &old) != 0) return;
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_and_end;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
}

void patron_temporary_begin(const char *path) {
    active = 0;
    size_t n = strlen(path);
    if (n >= sizeof pending) return;
    memcpy(pending, path, n + 1);
    if (!installed) {
        installed = 1;
        install(SIGTERM);
        install(SIGHUP);
        install(SIGINT);
    }
    active = 1;
}

void patron_temporary_end(void) {
    active = 0;
}
