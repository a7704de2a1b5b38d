#ifndef PATRON_CSIGNALS_H
#define PATRON_CSIGNALS_H

/// While a file is written under a temporary name: a signal that ends the process (SIGTERM,
/// SIGHUP, and SIGINT when nothing else handles it) removes that file first, then ends the
/// process as the signal would have. The removal is all the handler does (unlink is safe there).
void patron_temporary_begin(const char *path);

/// The temporary file was renamed into place or removed: a signal ends the process as before.
void patron_temporary_end(void);

#endif
